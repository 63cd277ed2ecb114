// A small XML reader for autoconfig files (clientConfig 1.1), written for hostile input: no DTD
// (so no entity expansion, "billion laughs", or external entities), only the five predefined
// entities and character references, and every dimension bounded. It builds a plain element tree.
import { XML_MAX_ATTRIBUTES, XML_MAX_BYTES, XML_MAX_DEPTH, XML_MAX_ELEMENTS } from './limits.js'

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own text (children's text excluded), entities decoded. */
  text: string
}

export class XmlError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'XmlError'
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y
const SPACE = /[ \t\r\n]*/y

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decode(text: string, at: number): string {
  if (!text.includes('&')) return text
  return text.replace(
    /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,15})?(;)?/g,
    (_whole, ref?: string, semi?: string) => {
      if (ref === undefined || semi === undefined)
        throw new XmlError(`a bare "&" or unterminated entity near byte ${at}`)
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10)
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
          throw new XmlError(`an invalid character reference &${ref}; near byte ${at}`)
        return String.fromCodePoint(code)
      }
      const value = PREDEFINED[ref]
      if (value === undefined) throw new XmlError(`the entity &${ref}; is not allowed (no DTD is read)`)
      return value
    },
  )
}

/** Parses `source` into its root element; throws XmlError with where and why. */
export function parseXml(source: string): XmlElement {
  if (source.length > XML_MAX_BYTES) throw new XmlError(`the document is larger than ${XML_MAX_BYTES} bytes`)
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0
  let elements = 0
  const stack: XmlElement[] = []
  let root: XmlElement | null = null

  const skipSpace = () => {
    SPACE.lastIndex = pos
    SPACE.exec(source)
    pos = SPACE.lastIndex
  }
  const readName = (): string => {
    NAME.lastIndex = pos
    const m = NAME.exec(source)
    if (!m) throw new XmlError(`a name was expected at byte ${pos}`)
    pos = NAME.lastIndex
    return m[0]
  }
  const skipPast = (end: string, what: string) => {
    const found = source.indexOf(end, pos)
    if (found < 0) throw new XmlError(`an unterminated ${what} at byte ${pos}`)
    const body = source.slice(pos, found)
    pos = found + end.length
    return body
  }
  const addText = (text: string) => {
    const top = stack[stack.length - 1]
    if (top) top.text += text
    else if (text.trim() !== '') throw new XmlError(`text outside the root element at byte ${pos}`)
  }

  while (pos < source.length) {
    const lt = source.indexOf('<', pos)
    if (lt < 0) {
      addText(decode(source.slice(pos), pos))
      pos = source.length
      break
    }
    if (lt > pos) addText(decode(source.slice(pos, lt), pos))
    pos = lt
    if (source.startsWith('<!--', pos)) {
      pos += 4
      skipPast('-->', 'comment')
    } else if (source.startsWith('<![CDATA[', pos)) {
      pos += 9
      const body = skipPast(']]>', 'CDATA section')
      if (stack.length === 0) throw new XmlError(`CDATA outside the root element at byte ${pos}`)
      addText(body)
    } else if (source.startsWith('<?', pos)) {
      pos += 2
      skipPast('?>', 'processing instruction')
    } else if (source.startsWith('<!', pos)) {
      // <!DOCTYPE ...> is where entity bombs and external entities live; autoconfig never needs one.
      throw new XmlError('the document has a DOCTYPE, which is refused (entity expansion)')
    } else if (source.startsWith('</', pos)) {
      pos += 2
      const name = readName()
      skipSpace()
      if (source[pos] !== '>') throw new XmlError(`a malformed end tag </${name} at byte ${pos}`)
      pos += 1
      const open = stack.pop()
      if (!open || open.name !== name)
        throw new XmlError(`</${name}> at byte ${pos} does not close <${open?.name ?? 'nothing'}>`)
    } else {
      pos += 1
      const name = readName()
      const element: XmlElement = { name, attributes: {}, children: [], text: '' }
      elements += 1
      if (elements > XML_MAX_ELEMENTS) throw new XmlError(`more than ${XML_MAX_ELEMENTS} elements`)
      let count = 0
      for (;;) {
        const before = pos
        skipSpace()
        if (source.startsWith('/>', pos) || source[pos] === '>') break
        if (pos === before) throw new XmlError(`a malformed tag <${name} at byte ${pos}`)
        const attribute = readName()
        skipSpace()
        if (source[pos] !== '=') throw new XmlError(`attribute ${attribute} without a value at byte ${pos}`)
        pos += 1
        skipSpace()
        const quote = source[pos]
        if (quote !== '"' && quote !== "'")
          throw new XmlError(`attribute ${attribute} is not quoted at byte ${pos}`)
        pos += 1
        const raw = skipPast(quote, 'attribute value')
        if (raw.includes('<')) throw new XmlError(`"<" inside attribute ${attribute} near byte ${pos}`)
        count += 1
        if (count > XML_MAX_ATTRIBUTES)
          throw new XmlError(`more than ${XML_MAX_ATTRIBUTES} attributes on <${name}>`)
        if (Object.hasOwn(element.attributes, attribute))
          throw new XmlError(`attribute ${attribute} repeated on <${name}>`)
        element.attributes[attribute] = decode(raw, pos)
      }
      const selfClosing = source.startsWith('/>', pos)
      pos += selfClosing ? 2 : 1
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(element)
      else if (root) throw new XmlError(`a second root element <${name}> at byte ${pos}`)
      else root = element
      if (!selfClosing) {
        stack.push(element)
        if (stack.length > XML_MAX_DEPTH) throw new XmlError(`elements nested deeper than ${XML_MAX_DEPTH}`)
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack[stack.length - 1]?.name}> is never closed`)
  if (!root) throw new XmlError('the document has no root element')
  return root
}

/** Direct children named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name)
}

/** The trimmed text of the first child named `name`, or null. */
export function childText(element: XmlElement, name: string): string | null {
  const child = element.children.find((c) => c.name === name)
  return child ? child.text.trim() : null
}
