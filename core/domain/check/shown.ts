// How the checks quote DNS data in findings and the report.

/** A record quoted in a finding or the report, cut (a TXT record may be 16 KB). */
export function shown(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
