// Passwords never reach a log: this scrubs the shapes in which they travel in mail protocols
// and in our own messages before a line is written anywhere.
const PATTERNS: Array<[RegExp, string]> = [
  // IMAP: a001 LOGIN user password, either one a quoted string that may hold spaces
  // (RFC 9051 astring)  /  AUTHENTICATE PLAIN <base64>
  [/\b(LOGIN\s+(?:"(?:[^"\\]|\\.)*"|\S+)\s+)(?:"(?:[^"\\]|\\.)*"?|\S+)/gi, '$1[redacted]'],
  [/\b(AUTH(?:ENTICATE)?\s+(?:PLAIN|LOGIN|XOAUTH2|OAUTHBEARER|CRAM-MD5)\s+)\S+/gi, '$1[redacted]'],
  // POP3: PASS password
  [/\b(PASS\s+)\S+/g, '$1[redacted]'],
  // key=value forms: password=..., secret: ..., token=...
  [/\b((?:password|passwd|secret|token)\s*[=:]\s*)("[^"]*"|\S+)/gi, '$1[redacted]'],
]

export function redact(text: string): string {
  let out = text
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement)
  return out
}
