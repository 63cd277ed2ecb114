// What the From header says, parsed enough for findings and DMARC alignment: the addresses of an
// RFC 5322 address list (quotes, comments, angle brackets, groups) and encoded-words (RFC 2047)
// decoded only to be looked at. Alignment itself is alignment.ts.

export interface Mailbox {
  /** The display name as written (quotes removed), UTF-8. */
  displayName: string
  /** The addr-spec; empty when the mailbox has none. */
  address: string
  /** Lower-case domain of the address, empty when none. */
  domain: string
}

/** Splits an address list at top-level commas (outside quotes, comments and angle brackets). */
function splitTopLevel(value: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let angle = false
  let current = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (quoted) {
      if (c === '\\') {
        current += c + (value[i + 1] ?? '')
        i++
        continue
      }
      if (c === '"') quoted = false
    } else if (depth > 0) {
      if (c === '\\') {
        current += c + (value[i + 1] ?? '')
        i++
        continue
      }
      if (c === '(') depth++
      else if (c === ')') depth--
    } else if (c === '"') quoted = true
    else if (c === '(') depth++
    else if (c === '<') angle = true
    else if (c === '>') angle = false
    else if ((c === ',' || c === ';') && !angle) {
      parts.push(current)
      current = ''
      continue
    } else if (c === ':' && !angle && !current.includes('@')) {
      // A group "name: a@b, c@d;" – the name is not an address.
      current = ''
      continue
    }
    current += c
  }
  parts.push(current)
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

/** The text without its RFC 5322 comments (nested parentheses), leaving quoted strings as they are. */
export function stripComments(text: string): string {
  if (!text.includes('(')) return text
  let out = ''
  let depth = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (!quoted && c === '(') depth++
    else if (!quoted && c === ')' && depth > 0) depth--
    else if (depth === 0) {
      if (c === '"') quoted = !quoted
      out += c
    }
  }
  return out
}

export function parseMailboxes(value: string): Mailbox[] {
  return splitTopLevel(value).map((part) => {
    const lt = part.lastIndexOf('<')
    const gt = part.lastIndexOf('>')
    let address: string
    let displayName = ''
    if (lt >= 0 && gt > lt) {
      address = stripComments(part.slice(lt + 1, gt)).trim()
      displayName = stripComments(part.slice(0, lt)).trim()
    } else address = stripComments(part).trim()
    displayName = displayName.replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1')
    address = address.replace(/\s+/g, '')
    const at = address.lastIndexOf('@')
    const domain =
      at >= 0
        ? address
            .slice(at + 1)
            .replace(/^\[|\]$/g, '')
            .replace(/\.$/, '')
            .toLowerCase()
        : ''
    return { displayName, address, domain }
  })
}

/** Decodes RFC 2047 encoded-words well enough to see what a mail program would show. */
export function decodeEncodedWords(text: string): string {
  return text.replace(
    /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g,
    (_all, charset: string, encoding: string, data: string) => {
      try {
        const bytes =
          encoding.toUpperCase() === 'B'
            ? Buffer.from(data, 'base64')
            : Buffer.from(
                data
                  .replace(/_/g, ' ')
                  .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                    String.fromCharCode(Number.parseInt(hex, 16)),
                  ),
                'latin1',
              )
        const label = (charset.split('*')[0] ?? charset).toLowerCase()
        return new TextDecoder(label === 'utf8' ? 'utf-8' : label).decode(bytes)
      } catch {
        return _all
      }
    },
  )
}

export function hasEncodedWord(text: string): boolean {
  return /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/.test(text)
}

const ADDRESS_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g

export function addressesIn(text: string): string[] {
  return [...text.matchAll(ADDRESS_IN_TEXT)].map((m) => m[0].toLowerCase())
}
