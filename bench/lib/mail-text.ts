// A large plain-text message as POP3 and SMTP carry it: headers, then ordinary lines of ~70
// characters with CRLF, paragraphs, quoted replies, and now and then a line that begins with "."
// (an ellipsis, a file name, a lone dot), which goes dot-stuffed as ".." on the wire (RFC 1939
// 3, RFC 5321 4.5.2). Deterministic (a fixed seed), built once into one buffer, sliced, not copied.

export interface WireMessage {
  /** The message dot-stuffed, ending in CRLF; the terminating ".\r\n" is not included. */
  wire: Buffer
  /** The message's own size in octets (before stuffing), as "+OK n octets" announces it. */
  octets: number
  /** Lines that begin with "." (each sent as ".."). */
  dotLines: number
}

const WORDS =
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will can more about out up them into do time only could new some what than other also two may then over first like any after these people years well most our its way because even being those under where while between never through same another state back year world life against without good last work'.split(
    ' ',
  )
const DOT_LINES = [
  '...and that was the end of the discussion for the day.',
  '.',
  '.profile and .bashrc were both edited',
]

/** xorshift32: the same text on every run, cheaply. */
function random(seed: number): () => number {
  let x = seed
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 0x1_0000_0000
  }
}

function headers(octetsHint: number): string {
  return [
    'Return-Path: <alice@lab.test>',
    'Received: from client.lab.test (client.lab.test [127.0.0.1]) by smtp.lab.test with ESMTPS id 1bench',
    'From: Alice Example <alice@lab.test>',
    'To: Bob Example <bob@lab.test>',
    `Subject: The long report (${octetsHint} octets of text)`,
    'Date: Mon, 07 Dec 2026 09:00:00 +0000',
    'Message-ID: <bench-long-report@lab.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    '',
  ].join('\r\n')
}

/** A message of about `bytes` octets on the wire (whole lines; a few bytes over at most). */
export function makeMessage(bytes: number): WireMessage {
  const wire = Buffer.allocUnsafe(bytes + 256)
  const next = random(0x6d61696c)
  let at = wire.write(headers(bytes), 0, 'latin1')
  let dotLines = 0
  let lineNo = 0
  const flush = (text: string) => {
    const stuffed = text.startsWith('.') ? `.${text}` : text
    if (stuffed !== text) dotLines++
    at += wire.write(`${stuffed}\r\n`, at, 'latin1')
    lineNo++
  }
  while (at < bytes) {
    const roll = next()
    if (lineNo % 997 === 500) flush(DOT_LINES[lineNo % DOT_LINES.length] as string)
    else if (roll < 0.03)
      flush('') // a paragraph ends
    else {
      let line = roll < 0.15 ? '> ' : '' // a quoted reply
      while (line.length < 62) line += `${WORDS[Math.floor(next() * WORDS.length)]} `
      flush(line.trimEnd())
    }
  }
  const out = wire.subarray(0, at)
  return { wire: out, octets: at - dotLines, dotLines }
}

/** The first whole lines of `message` up to about `bytes` octets on the wire. */
export function prefixOf(message: WireMessage, bytes: number): WireMessage {
  const end = message.wire.indexOf('\r\n', bytes) + 2
  const wire = message.wire.subarray(0, end)
  let dotLines = 0
  for (let i = wire.indexOf('\r\n..'); i !== -1; i = wire.indexOf('\r\n..', i + 4)) dotLines++
  return { wire, octets: end - dotLines, dotLines }
}
