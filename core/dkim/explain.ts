// Explaining a body-hash mismatch by trying what usually happened to the body in transit: a
// footer appended (a mailing list), a MIME part added at the end, line endings rewritten, the
// Content-Transfer-Encoding changed. Each try hashes a variant of the retained body; a match is
// a confirmed cause. Bounded: only bodies up to EXPLAIN_BODY_MAX_BYTES, MAX_FOOTER_CANDIDATES cuts.
import { hashBody } from './canon-body.js'
import { MAX_FOOTER_CANDIDATES } from './limits.js'
import { repairLineEndings } from './message.js'
import type { ParsedSignature } from './signature.js'

export interface BodyExplanation {
  /** A sentence for the user. */
  cause: string
  /** True when a variant of the body matched the signed hash. */
  confirmed: boolean
}

export interface BodyContext {
  /** The raw body as read (line endings not repaired), or null when too large to keep. */
  rawBody: Uint8Array | null
  /** Top-level Content-Transfer-Encoding and Content-Type (lower case), when present. */
  transferEncoding: string | null
  contentType: string | null
  hadBareLf: boolean
}

const FOOTER_LINE =
  /^(?:-- ?$|_{3,}|-{3,}|={3,}|\*{3,}|~{3,}|to unsubscribe|unsubscribe|you received this message|you are receiving this|this message was sent|this email was sent|sent (?:from|via)|mailing list|list info|[a-z0-9._-]+ mailing list|disclaimer|confidential|<div[^>]*>\s*-- |<br>\s*--)/i

function matches(body: Uint8Array, signature: ParsedSignature): boolean {
  return hashBody(body, signature.bodyCanon, signature.hash, signature.bodyLength).digest.equals(
    signature.bodyHash,
  )
}

function preview(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.subarray(0, 160)).toString('utf8').replace(/\s+/g, ' ').trim()
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}

/** Line starts of a CRLF body, last first, preferring lines that look like a footer start. */
function cutCandidates(body: Buffer): number[] {
  const starts: number[] = []
  let i = body.indexOf('\r\n')
  while (i >= 0) {
    starts.push(i + 2)
    i = body.indexOf('\r\n', i + 2)
  }
  const footerLike = starts.filter((s) => FOOTER_LINE.test(body.subarray(s, s + 80).toString('latin1')))
  const lastLines = starts.slice(-12)
  const ordered = [...new Set([...footerLike.reverse(), ...lastLines.reverse()])]
  return ordered.filter((s) => s < body.length).slice(0, MAX_FOOTER_CANDIDATES)
}

function mimeBoundary(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType)
  return m ? (m[1] ?? m[2] ?? null) : null
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body
    .toString('latin1')
    .replace(/[ \t]+\r\n/g, '\r\n')
    .replace(/=\r\n/g, '')
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  )
}

export function explainBodyMismatch(
  signature: ParsedSignature,
  context: BodyContext,
  canonicalTotal: number,
): BodyExplanation {
  if (signature.bodyLength !== null && signature.bodyLength > canonicalTotal)
    return {
      cause: `The signature says it covers ${signature.bodyLength} bytes of body (l=), but the body has only ${canonicalTotal}: the body was cut short or rewritten.`,
      confirmed: true,
    }
  if (!context.rawBody)
    return {
      cause:
        'The body is too large to retry variants here. Usual causes: a footer added by a mailing list or a virus scanner, a changed Content-Transfer-Encoding, rewritten line endings, or tampering.',
      confirmed: false,
    }
  const body = repairLineEndings(context.rawBody).bytes

  for (const cut of cutCandidates(body)) {
    if (matches(body.subarray(0, cut), signature))
      return {
        cause: `The signed body is intact; ${body.length - cut} bytes were added after it, most likely a footer added by a mailing list or gateway (it starts: "${preview(body.subarray(cut))}").`,
        confirmed: true,
      }
  }

  const boundary = mimeBoundary(context.contentType)
  if (boundary) {
    const text = body.toString('latin1')
    const close = text.lastIndexOf(`\r\n--${boundary}--`)
    if (close >= 0) {
      let open = text.lastIndexOf(`\r\n--${boundary}\r\n`, close - 1)
      for (let tries = 0; open >= 0 && tries < 4; tries++) {
        const variant = Buffer.concat([body.subarray(0, open), body.subarray(close)])
        if (matches(variant, signature))
          return {
            cause: `The signed body is intact; a MIME part was added at its end (${close - open} bytes, most likely a footer or disclaimer added by a mailing list or gateway).`,
            confirmed: true,
          }
        open = text.lastIndexOf(`\r\n--${boundary}\r\n`, open - 1)
      }
    }
  }

  if (context.hadBareLf && matches(context.rawBody, signature))
    return {
      cause:
        'The signer hashed the body with bare LF line endings as they are in this file; in transit mail has CRLF, so the line endings were rewritten (or the signer is broken).',
      confirmed: true,
    }
  const lfOnly = Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1')
  if (!context.hadBareLf && matches(lfOnly, signature))
    return {
      cause: 'The signer hashed the body with LF line endings: its line endings were rewritten.',
      confirmed: true,
    }
  const doubledCr = body.toString('latin1')
  if (
    doubledCr.includes('\r\r\n') &&
    matches(Buffer.from(doubledCr.replace(/\r+\n/g, '\r\n'), 'latin1'), signature)
  )
    return {
      cause:
        'A system on the way doubled the CR of each line ending (CR CR LF): the line endings were rewritten.',
      confirmed: true,
    }

  const cte = context.transferEncoding
  if (!boundary && (cte === 'quoted-printable' || cte === 'base64')) {
    const decoded =
      cte === 'base64'
        ? Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64')
        : decodeQuotedPrintable(body)
    if (matches(repairLineEndings(decoded).bytes, signature))
      return {
        cause: `The body was re-encoded in transit (to ${cte} from 8bit); its content is what was signed, but its bytes are not.`,
        confirmed: true,
      }
  }

  const longLines = body
    .toString('latin1')
    .split('\r\n')
    .some((line) => line.length > 998)
  const flowed = /format\s*=\s*"?flowed/i.test(context.contentType ?? '')
  const causes = [
    'text inserted inside the body (a disclaimer or a scanner’s notice, not at the end)',
    cte
      ? `a change of encoding (Content-Transfer-Encoding is now ${cte})`
      : 'a change of Content-Transfer-Encoding',
    flowed || longLines
      ? 'lines re-wrapped on the way (this body has long or flowed lines)'
      : 'lines re-wrapped on the way',
    'or tampering with the content',
  ]
  return {
    cause: `No simple change explains it (a footer, a MIME part at the end and other line endings were tried). Likely causes: ${causes.join(', ')}.`,
    confirmed: false,
  }
}
