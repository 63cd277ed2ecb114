// The unsigned messages the corpus starts from (CRLF, as on the wire), each with one edge case.
// Messages are handled as latin1 strings so every byte, UTF-8 included, survives unchanged.
import { createHash } from 'node:crypto'
import { CORPUS_DOMAIN } from './keys.js'

export const FROM = `Alice Example <alice@${CORPUS_DOMAIN}>`

/** Deterministic pseudo-random bytes (an attachment's content), so a run is reproducible. */
function bytes(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length)
  let block = createHash('sha256').update(seed).digest()
  for (let at = 0; at < length; at += block.length) {
    block.copy(out, at)
    block = createHash('sha256').update(block).digest()
  }
  return out
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n')
}

export function header(extra: Record<string, string> = {}, from = FROM): string {
  const fields: Record<string, string> = {
    From: from,
    To: 'Bob Example <bob@receiver.example>',
    Subject: 'Quarterly figures',
    Date: 'Tue, 01 Dec 2026 10:00:00 +0000',
    'Message-ID': `<${Math.random().toString(36).slice(2)}@${CORPUS_DOMAIN}>`,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=us-ascii',
    ...extra,
  }
  return Object.entries(fields)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
}

const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1')

export interface BaseMessage {
  name: string
  /** The message as latin1 (one char per byte). */
  text: string
}

export function baseMessages(): BaseMessage[] {
  const attachment = bytes('attachment', 24 * 1024)
  const boundary = '=_corpus_boundary_42'
  return [
    {
      name: 'plain',
      text: `${header()}\r\nHello Bob,\r\n\r\nthe figures are attached.  Two  spaces\tand a tab.\r\n\r\n-- \r\nAlice\r\n`,
    },
    {
      name: 'multipart',
      text:
        header({ 'Content-Type': `multipart/mixed; boundary="${boundary}"` }) +
        `\r\nThis is a multi-part message in MIME format.\r\n\r\n--${boundary}\r\n` +
        'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
        'Please find the report attached =E2=80=94 Alice\r\n\r\n' +
        `--${boundary}\r\nContent-Type: application/pdf; name="report.pdf"\r\n` +
        'Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="report.pdf"\r\n\r\n' +
        `${base64Lines(attachment)}\r\n--${boundary}--\r\n`,
    },
    {
      name: 'utf8',
      text: latin1(
        `${header({
          Subject: `=?UTF-8?B?${Buffer.from('Grüße aus Zürich ✉').toString('base64')}?=`,
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Transfer-Encoding': '8bit',
        })}\r\nGrüße, Jürgen — ça va? 日本語のテキスト\r\nЗдравствуйте\r\n`,
      ),
    },
    { name: 'empty-body', text: `${header()}\r\n` },
    { name: 'no-final-crlf', text: `${header()}\r\nThe last line has no line break` },
    {
      name: 'trailing-blank-lines',
      text: `${header()}\r\nBody with trailing whitespace lines.   \r\n \t\r\n\r\n\r\n`,
    },
    {
      name: 'long-lines',
      text: `${header({ Subject: 'A subject that is long enough to be folded by a careful signer, or by a list manager that rewrites it' })}\r\n${'x'.repeat(990)}\r\n${'word '.repeat(150)}\r\n`,
    },
  ]
}

/** The "CRLF" of a stored message: Unix mail stores (mbox, Maildir) write bare LF. */
export const toBareLf = (text: string) => text.replace(/\r\n/g, '\n')

export function splitMessage(text: string): { head: string; body: string } {
  const at = text.indexOf('\r\n\r\n')
  if (at < 0) return { head: text, body: '' }
  return { head: text.slice(0, at + 2), body: text.slice(at + 4) }
}
