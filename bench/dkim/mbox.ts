// Writing mboxrd (the format `mailwarden dkim verify` reads by default): each message after a From_
// line, a body line matching /^>*From / gets one more ">", an empty line after each message.

/** The separator line every message gets (RFC 4155: "From ", a sender, an asctime date). */
export const MBOX_FROM_LINE = 'From sender@example.com Mon Jan  1 00:00:00 2024'

/** mboxrd escaping of one message (a latin1 string, so bytes stay bytes). */
export function escapeMboxrd(message: string): string {
  return message.replace(/(^|\n)(>*From )/g, '$1>$2')
}
