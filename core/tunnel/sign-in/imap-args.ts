// IMAP command arguments as the sign-in gate reads them (RFC 9051 astring): atoms, quoted strings
// with \" and \\ escapes, and literals ({n} and LITERAL+ {n+}) whose bytes were read separately.
// Pure: the gate collects a command's lines and literals, this turns them into arguments.

/** A literal marker at the end of a line: its length and whether it is LITERAL+ (no "+" prompt). */
export function literalMarker(line: string): { length: number; plus: boolean } | null {
  const match = /(?:^| )\{(\d{1,10})(\+?)\}$/.exec(line)
  if (!match) return null
  return { length: Number(match[1]), plus: match[2] === '+' }
}

/**
 * The arguments of one command: `lines[i]` ends with a literal marker for each `literals[i]` (its
 * bytes, UTF-8); the last line has none. Null when malformed (an unterminated quoted string, a
 * character a quoted string may not hold, a literal glued to the word before it).
 */
export function imapArguments(lines: readonly string[], literals: readonly Buffer[]): string[] | null {
  if (lines.length !== literals.length + 1) return null
  const args: string[] = []
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? ''
    // After a literal's bytes the line goes on: a space must separate the next argument.
    if (i > 0 && line.length > 0 && !line.startsWith(' ')) return null
    const literal = literals[i]
    if (literal !== undefined) {
      const marker = /\{\d{1,10}\+?\}$/.exec(line)
      if (!marker) return null
      line = line.slice(0, marker.index)
      if (!line.endsWith(' ')) return null
    }
    const words = tokens(line)
    if (words === null) return null
    args.push(...words)
    if (literal !== undefined) args.push(literal.toString('utf8'))
  }
  return args
}

/** Atoms and quoted strings of one piece of a line, in order; null when a quoted string is broken. */
function tokens(text: string): string[] | null {
  const out: string[] = []
  let at = 0
  while (at < text.length) {
    if (text[at] === ' ') {
      at++
      continue
    }
    if (text[at] === '"') {
      let value = ''
      at++
      for (;;) {
        if (at >= text.length) return null
        const c = text[at]
        if (c === '"') break
        if (c === '\\') {
          const next = text[at + 1]
          if (next !== '"' && next !== '\\') return null
          value += next
          at += 2
          continue
        }
        if (c === '\r' || c === '\n' || c === '\0') return null
        value += c
        at++
      }
      at++
      // A quoted string ends an argument: what follows must be a space or the end.
      if (at < text.length && text[at] !== ' ') return null
      out.push(value)
      continue
    }
    const space = text.indexOf(' ', at)
    const end = space === -1 ? text.length : space
    const atom = text.slice(at, end)
    if (atom.includes('"')) return null
    out.push(atom)
    at = end
  }
  return out
}
