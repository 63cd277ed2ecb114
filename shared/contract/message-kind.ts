// One rule for what a file holds: one message, or an mbox of many (issue 13). A paste, standard
// input, a file the desktop opens and any *.eml are one message; another file is an mbox only when
// its first line is a real From_ line. Plain code, no schema: the DKIM verifier threads use it.

/**
 * How far the first line of a file is read to tell an mbox from one message: the mbox reader's
 * bound on a "From " line. A first line longer than this is no mbox separator.
 */
export const MBOX_HEAD_BYTES = 4096

const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
/**
 * An mbox separator (RFC 4155, qmail's mbox(5)): "From ", an address-like token (never one that
 * starts with ":", which is a From header written with a space before its colon), then an asctime
 * date ("Fri Jul  8 12:08:34 2011"). Writers add a zone before the year ("... 12:08:34 PST 2011")
 * or fields after it ("... 2011 +0000", "remote from host"); both are accepted.
 */
const FROM_LINE = new RegExp(
  `^From [^\\s:]\\S*[ \\t]+${WEEKDAY}[ \\t]+${MONTH}[ \\t]+\\d{1,2}[ \\t]+\\d{1,2}:\\d\\d(?::\\d\\d)?(?:[ \\t]+[A-Za-z][A-Za-z0-9+-]{0,9}|[ \\t]+[+-]\\d{4})?[ \\t]+\\d{4}(?:[ \\t].*)?$`,
)

/** True for a real mbox "From_" separator line (without its line end). */
export function isMboxFromLine(line: string): boolean {
  return line.length <= MBOX_HEAD_BYTES && FROM_LINE.test(line)
}

/**
 * True when a file's first bytes (up to MBOX_HEAD_BYTES) start with a real From_ line: an mbox.
 * "From " alone is not enough: "From : ceo@bank.example" and "From x" are a message's first
 * header line (a malformed one, which the verifier reports), never a separator to skip.
 */
export function startsWithMboxFromLine(head: Uint8Array): boolean {
  const limit = Math.min(head.length, MBOX_HEAD_BYTES + 1)
  let end = -1
  for (let i = 0; i < limit; i++)
    if (head[i] === 0x0a) {
      end = i
      break
    }
  if (end < 0) return false
  let line = ''
  for (let i = 0; i < end; i++) line += String.fromCharCode(head[i] as number)
  return isMboxFromLine(line.endsWith('\r') ? line.slice(0, -1) : line)
}

/** A file named *.eml is one message, whatever its first line says. */
export function isMessageFileName(name: string): boolean {
  return name.toLowerCase().endsWith('.eml')
}
