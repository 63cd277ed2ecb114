// Ordinary mail, made up from the seeded PRNG: plain text, replies that quote and carry folded
// References, multipart/alternative text + HTML (quoted-printable), and multipart/mixed with base64
// attachments (76-character lines). Long To/Cc lists and Subjects are folded as mail clients fold
// them. CRLF line ends; UTF-8 as encoded words in headers, 8bit or quoted-printable in bodies.
import { DOMAIN } from './keys.js'
import type { Random } from './random.js'

export type Kind = 'plain' | 'reply' | 'alternative' | 'mixed'

/** About what the DKIM-Signature (RSA-2048 ~560 bytes, ed25519 ~330) and Received fields add. */
const ADDED_BYTES = 700
const CRLF = '\r\n'

const WORDS =
  `the of and to in is that for it as with was on be at by this had not are but from or have an they
which one you were all we when there can been has more if will would about their what so up out
them into time could than first other new some these two may then do any only its like over such
our most also made after between did many before must through back years where much your way down
should because each just those how too well people meeting project report budget quarter team
review schedule proposal invoice shipment order customer contract draft update agenda minutes
thanks please attached below regarding tomorrow next week friday monday office server release
change request deadline numbers figures slides feedback question answer issue ticket account`
    .split(/\s+/)
    .filter(Boolean)

const PEOPLE = [
  ['Alice Martin', 'alice.martin'],
  ['Bob Chen', 'bob.chen'],
  ['Chlo\u00e9 Dubois', 'chloe.dubois'],
  ['Dmitri Ivanov', 'd.ivanov'],
  ['Eva Lindstr\u00f6m', 'eva.lindstrom'],
  ['Farid Haddad', 'farid'],
  ['Grace O\u2019Neill', 'grace.oneill'],
  ['Hiro Tanaka', 'h.tanaka'],
  ['Ingrid M\u00fcller', 'ingrid.mueller'],
  ['Jo\u00e3o Silva', 'joao.silva'],
  ['Kofi Mensah', 'kofi'],
  ['Lena Novak', 'lena.novak'],
] as const
const RECIPIENT_DOMAINS = ['example.net', 'example.org', 'mail.example.com', 'corp.example']

const ATTACHMENTS = [
  ['application/pdf', 'report-q4-2023.pdf'],
  ['application/pdf', 'invoice-2024-0117.pdf'],
  ['image/jpeg', 'IMG_20231231_184502.jpg'],
  ['image/png', 'screenshot.png'],
  ['application/zip', 'project-files.zip'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'budget-2024.xlsx'],
] as const

/** RFC 2047 Q encoding of a phrase with non-ASCII characters; ASCII phrases stay quoted strings. */
function phrase(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `"${text}"`
  const q = [...Buffer.from(text, 'utf8')]
    .map((b) =>
      (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
        ? String.fromCharCode(b)
        : b === 0x20
          ? '_'
          : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('')
  return `=?UTF-8?Q?${q}?=`
}

/** A header field folded at spaces before 78 characters (RFC 5322 2.2.3), as mail clients write them. */
function field(name: string, value: string): string {
  const words = value.split(' ')
  const lines: string[] = []
  let line = `${name}:`
  for (const word of words) {
    if (line.length + 1 + word.length > 78 && line.length > name.length + 1) {
      lines.push(line)
      line = ` ${word}`
    } else line += ` ${word}`
  }
  lines.push(line)
  return lines.join(CRLF) + CRLF
}

function mailbox(random: Random): string {
  const [name, local] = random.pick(PEOPLE)
  return `${phrase(name)} <${local}@${random.pick(RECIPIENT_DOMAINS)}>`
}

function sentence(random: Random): string {
  const words = Array.from({ length: random.between(5, 16) }, () => random.pick(WORDS))
  const first = words[0] as string
  words[0] = first.charAt(0).toUpperCase() + first.slice(1)
  return `${words.join(' ')}${random.pick(['.', '.', '.', '?', '!'])}`
}

/** Lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

function paragraph(random: Random, most = 6): string {
  const sentences = Array.from({ length: random.between(1, most) }, () => sentence(random))
  // Now and then a paragraph starts with "From ": an mbox writer must escape that line.
  if (random.chance(0.08)) sentences[0] = `From ${(sentences[0] as string).toLowerCase()}`
  return wrap(sentences.join(' '), 72).join(CRLF)
}

/** Plain text of about `bytes` bytes: paragraphs, sometimes a quoted earlier message, a signature. */
function text(random: Random, bytes: number, quoted: boolean): string {
  const parts: string[] = [random.pick(['Hi,', 'Hello all,', 'Dear team,', 'Hi there,'])]
  let size = 0
  const own = quoted ? bytes * 0.3 : bytes
  do {
    // A short note is one or two sentences.
    const p = paragraph(random, own < 400 ? 2 : 6)
    parts.push(p)
    size += p.length + 4
  } while (size < own - 60)
  parts.push(
    `Best regards,${CRLF}-- ${CRLF}${random.pick(PEOPLE)[0]}${CRLF}+1 555 0100 ${random.between(10, 99)}`,
  )
  if (quoted) {
    parts.push(`On Mon, 1 Jan 2024 at 09:${random.between(10, 59)}, ${random.pick(PEOPLE)[0]} wrote:`)
    const lines: string[] = []
    while (size < bytes - 60) {
      // Deeper quotes as the thread goes on; some clients write ">text" without a space, so a
      // quoted "From " line becomes ">From ", which an mboxrd writer escapes again.
      const depth = '>'.repeat(random.between(1, 3))
      const gap = random.chance(0.3) ? '' : ' '
      for (const l of [...paragraph(random).split(CRLF), '']) {
        const quotedLine = l ? `${depth}${gap}${l}` : depth
        lines.push(quotedLine)
        size += quotedLine.length + 2
      }
    }
    parts.push(lines.join(CRLF))
  }
  return `${parts.join(CRLF + CRLF)}${CRLF}`
}

/** Quoted-printable (RFC 2045 6.7): "=" and non-ASCII escaped, soft line breaks before 76 characters. */
function quotedPrintable(source: string): string {
  const out: string[] = []
  for (const rawLine of source.split(CRLF)) {
    let encoded = ''
    for (const b of Buffer.from(rawLine, 'utf8')) {
      encoded +=
        b === 0x3d || b > 0x7e || (b < 0x20 && b !== 0x09)
          ? `=${b.toString(16).toUpperCase().padStart(2, '0')}`
          : String.fromCharCode(b)
    }
    encoded = encoded.replace(/[ \t]$/, (c) => (c === ' ' ? '=20' : '=09'))
    while (encoded.length > 76) {
      let cut = 75
      // Never split an =XX escape.
      const lastEscape = encoded.lastIndexOf('=', cut)
      if (lastEscape > cut - 3) cut = lastEscape
      out.push(`${encoded.slice(0, cut)}=`)
      encoded = encoded.slice(cut)
    }
    out.push(encoded)
  }
  return out.join(CRLF)
}

/** A newsletter-like HTML body of about `bytes` bytes, one block per line (as many editors write). */
function html(random: Random, bytes: number): string {
  const blocks = [
    '<!DOCTYPE html>',
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    '<style type="text/css">body{margin:0;padding:0}td{font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:20px;color:#333333}a{color:#1a73e8}</style>',
    '</head><body><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center">',
  ]
  let size = blocks.join('').length
  while (size < bytes - 200) {
    const block = random.chance(0.2)
      ? `<table width="600" cellpadding="8"><tr><td style="background-color:#f4f4f4;border-radius:4px"><a href="https://www.${random.pick(RECIPIENT_DOMAINS)}/news/${random.hex(12)}?utm_source=newsletter&amp;utm_medium=email">${sentence(random)}</a></td></tr></table>`
      : `<p style="margin:0 0 12px 0">${Array.from({ length: random.between(2, 5) }, () => sentence(random)).join(' ')}</p>`
    blocks.push(block)
    size += block.length + 2
  }
  blocks.push(
    `<p style="font-size:11px;color:#999999">Caf\u00e9 Stra\u00dfe 12, 1010 Wien &middot; <a href="https://www.example.org/unsubscribe">Unsubscribe</a></p>`,
    '</td></tr></table></body></html>',
  )
  return blocks.join(CRLF)
}

function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64')
  const lines: string[] = []
  for (let at = 0; at < b64.length; at += 76) lines.push(b64.slice(at, at + 76))
  return lines.join(CRLF)
}

function boundary(random: Random): string {
  return `----=_Part_${random.between(100000, 999999)}_${random.hex(8)}.${1704067200000 + random.int(1e6)}`
}

interface Part {
  headers: string
  body: string
}

function multipart(random: Random, subtype: string, parts: Part[]): Part {
  const b = boundary(random)
  const body = `${parts.map((p) => `--${b}${CRLF}${p.headers}${CRLF}${p.body}${CRLF}`).join('')}--${b}--${CRLF}`
  return { headers: `Content-Type: multipart/${subtype};${CRLF} boundary="${b}"${CRLF}`, body }
}

function textPart(random: Random, bytes: number, quoted: boolean): Part {
  const body = text(random, bytes, quoted)
  if (random.chance(0.5))
    return {
      headers: `Content-Type: text/plain; charset="UTF-8"${CRLF}Content-Transfer-Encoding: 8bit${CRLF}`,
      // UTF-8 bytes as a binary string: the message is written as latin1, byte for byte.
      body: Buffer.from(body, 'utf8').toString('latin1'),
    }
  return {
    headers: `Content-Type: text/plain; charset="UTF-8"${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}`,
    body: quotedPrintable(body),
  }
}

function htmlPart(random: Random, bytes: number): Part {
  return {
    headers: `Content-Type: text/html; charset="UTF-8"${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}`,
    body: quotedPrintable(html(random, bytes)),
  }
}

function attachmentPart(random: Random, rawBytes: number): Part {
  const [type, name] = random.pick(ATTACHMENTS)
  return {
    headers:
      `Content-Type: ${type};${CRLF} name="${name}"${CRLF}` +
      `Content-Disposition: attachment;${CRLF} filename="${name}"${CRLF}Content-Transfer-Encoding: base64${CRLF}`,
    body: base64Lines(random.bytes(rawBytes)),
  }
}

/** Wire bytes of `raw` bytes in base64 lines of 76 characters + CRLF. */
const base64Size = (raw: number) => Math.ceil(raw / 57) * 78

/**
 * One unsigned message of about `target` bytes once signed and received; `index` makes its date and
 * ids. A binary string (one character per byte): write it as latin1.
 */
export function composeMessage(random: Random, index: number, target: number, kind: Kind): string {
  const sender = random.pick(PEOPLE)
  const small = target < 4096
  // Many recipients make a long folded To field; in small messages that is rarer.
  const recipients = random.chance(small ? 0.05 : 0.3)
    ? random.between(small ? 4 : 8, small ? 10 : 30)
    : random.between(1, small ? 2 : 3)
  const date = new Date(Date.UTC(2024, 0, 1, 10, 0, 0) + index * 61_000)
  const subjectWords = Array.from({ length: random.between(3, kind === 'reply' ? 16 : 10) }, () =>
    random.pick(WORDS),
  ).join(' ')
  let head =
    field('From', `${phrase(sender[0])} <${sender[1]}@${DOMAIN}>`) +
    field('To', Array.from({ length: recipients }, () => mailbox(random)).join(', ')) +
    (random.chance(0.25)
      ? field('Cc', Array.from({ length: random.between(1, 6) }, () => mailbox(random)).join(', '))
      : '') +
    field(
      'Subject',
      `${kind === 'reply' ? 'Re: ' : ''}${random.chance(0.2) ? phrase('R\u00e9union \u2013 ') : ''}${subjectWords}`,
    ) +
    field('Date', date.toUTCString().replace('GMT', '+0000')) +
    field('Message-ID', `<${random.hex(16)}.${index}@${DOMAIN}>`)
  if (kind === 'reply') {
    const thread = Array.from(
      { length: random.between(2, small ? 4 : 14) },
      () => `<${random.hex(24)}@${DOMAIN}>`,
    )
    head += field('In-Reply-To', thread.at(-1) as string) + field('References', thread.join(' '))
  }
  head += `MIME-Version: 1.0${CRLF}`
  if (random.chance(0.5))
    head += field('X-Mailer', random.pick(['Microsoft Outlook 16.0', 'Apple Mail (2.3774)']))

  const room = Math.max(120, target - head.length - ADDED_BYTES)
  let content: Part
  if (kind === 'plain' || kind === 'reply') content = textPart(random, room, kind === 'reply')
  else if (kind === 'alternative') {
    const textShare = Math.max(100, Math.floor(room * 0.25))
    content = multipart(random, 'alternative', [
      textPart(random, textShare, false),
      htmlPart(random, room - textShare - 400),
    ])
  } else {
    const lead = Math.min(Math.max(300, Math.floor(room * 0.1)), 12_000)
    const alternative = multipart(random, 'alternative', [
      textPart(random, lead, false),
      htmlPart(random, lead * 2),
    ])
    const left = Math.max(1024, room - alternative.body.length - 600)
    // Big messages often carry a small image beside the big file.
    const image = target > 1_000_000 ? 40_000 : 0
    const attachments = [attachmentPart(random, Math.floor((left - base64Size(image)) * (57 / 78)))]
    if (image) attachments.push(attachmentPart(random, image))
    content = multipart(random, 'mixed', [alternative, ...attachments])
  }
  return `${head}${content.headers}${CRLF}${content.body}`
}
