import type { ReactNode } from 'react'

/**
 * A path, FILE@OFFSET, host name or selector with a line-break opportunity after each separator,
 * so a long one wraps at "/", "@", "." or "-" before it wraps inside a word (the text, and so its
 * accessible name, is unchanged).
 */
export function breakable(name: string): ReactNode[] {
  const out: ReactNode[] = []
  let from = 0
  for (let i = 0; i < name.length; i++) {
    if ('/@.-_'.includes(name[i] as string) && i + 1 < name.length) {
      out.push(name.slice(from, i + 1), <wbr key={i} />)
      from = i + 1
    }
  }
  out.push(name.slice(from))
  return out
}
