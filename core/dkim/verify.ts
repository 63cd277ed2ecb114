// verifyMessage: one pass over the message, in phases (as mailauth's DkimVerifier does with
// messageHeaders / nextChunk / finalChunk):
//   readHeaders      the header block (bounded) parsed, the time judged at, each signature parsed;
//   startKeyLookups  every key asked for at once, answered while the body streams;
//   streamBody       the body through one canonicalizer per canonicalization into one hash per
//                    distinct (canonicalization, hash, l=) (BodyReader: the per-chunk work);
//   checkSignatures  each signature step by step (check-signature.ts), keys remembered;
//   messageReport    findings, alignment (alignment.ts), verdict and the report (message-report.ts).
import type { DkimReport } from '../../shared/contract/dkim.js'
import { untilAborted } from '../runs/abortable.js'
import { receivedTime } from './auth-results.js'
import { type BodyCanonicalizer, bodyCanonicalizer } from './canon-body.js'
import { checkSignature, explainBodyChange } from './check-signature.js'
import { DkimInputError } from './errors.js'
import { finding } from './findings.js'
import { isLearning, type KeyLookup, type KeySource } from './key-sources.js'
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  EXPLAIN_BODY_MAX_BYTES,
  MAX_HEADER_BYTES,
  MAX_SIGNATURE_FIELD_BYTES,
  MAX_SIGNATURES_VERIFIED,
} from './limits.js'
import {
  displayValue,
  type HeaderField,
  LineEndingRepair,
  parseHeaderFields,
  readHeaderBlock,
} from './message.js'
import { type JudgedTime, type MessageBody, type MessageHead, messageReport } from './message-report.js'
import { parseSignatureValue, type SignatureParse } from './signature.js'
import { fail, newSignatureState, type SignatureState, step } from './signature-state.js'

export { DkimInputError } from './errors.js'

export interface VerifyOptions {
  keys: KeySource
  /** Judge expiry as of this time; null or absent: the topmost Received time, else now. */
  at?: Date | null
  signal?: AbortSignal
  /** The largest message accepted (default DEFAULT_MAX_MESSAGE_BYTES); beyond it: DkimInputError. */
  maxBytes?: number
  /**
   * A report for a row among many (an archive): without what only the one-message view shows (the
   * message's headers, each signature's canonical header block, raw field, key record and steps).
   */
  light?: boolean
}

export async function verifyMessage(
  input: Uint8Array | AsyncIterable<Uint8Array>,
  options: VerifyOptions,
): Promise<DkimReport> {
  const { signal, keys } = options
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  signal?.throwIfAborted()
  const chunks = toIterator(input)
  const head = await readHeaders(chunks, maxBytes, options)
  const lookups = startKeyLookups(head.states, keys)
  // A caller's stream may reuse its buffers, so streamed chunks are copied; a whole buffer is not.
  const reader = new BodyReader(bodyHashes(head.states), !(input instanceof Uint8Array))
  await streamBody(chunks, head, reader, maxBytes, signal)
  const body = endBody(reader, head)
  // A key source that never answers must not outlive the caller's signal.
  const lookedUp = await untilAborted(Promise.all(lookups), signal)
  checkSignatures(head, body, lookedUp, keys.description)
  await rememberKeys(head, lookedUp, keys)
  // Relaxed alignment may walk DNS (RFC 9989 tree walk): bounded by its queries, and by the signal.
  return untilAborted(messageReport(head, body, keys, options.at, options.light === true), signal)
}

function toIterator(input: Uint8Array | AsyncIterable<Uint8Array>): AsyncIterator<Uint8Array> {
  if (input instanceof Uint8Array) {
    let given = false
    return {
      async next() {
        if (given) return { done: true, value: undefined }
        given = true
        return { done: false, value: input }
      },
    }
  }
  return input[Symbol.asyncIterator]()
}

function tooLarge(maxBytes: number): DkimInputError {
  return new DkimInputError(
    'too-large',
    `The message is larger than ${maxBytes} bytes, the limit for one message.`,
  )
}

/** Phase 1: the header block read (bounded) and parsed, the time judged at, every signature parsed. */
async function readHeaders(
  chunks: AsyncIterator<Uint8Array>,
  maxBytes: number,
  options: VerifyOptions,
): Promise<MessageHead> {
  const split = await readHeaderBlock(chunks, Math.min(MAX_HEADER_BYTES, maxBytes), options.signal)
  if (split.rawHeaderBytes === 0 && split.bodyStart.length === 0 && split.ended)
    throw new DkimInputError('empty', 'The message is empty.')
  if (split.rawHeaderBytes + split.separatorBytes + split.bodyStart.length > maxBytes)
    throw tooLarge(maxBytes)
  const block = parseHeaderFields(split.header.toString('latin1'))
  const fields = block.fields
  // Parse every signature (all of them, so none disappears); check at most MAX_SIGNATURES_VERIFIED.
  const signatureFields = fields.filter((f) => f.key === 'dkim-signature')
  return {
    split,
    block,
    fields,
    time: judgedAt(fields, options.at),
    signatureCount: signatureFields.length,
    states: signatureFields
      .slice(0, MAX_SIGNATURES_VERIFIED)
      .map((field, index) => signatureState(field, index)),
  }
}

/** The time signatures are judged at: the one given, else the topmost Received time, else now. */
function judgedAt(fields: readonly HeaderField[], given: Date | null | undefined): JudgedTime {
  const received = fields.find((f) => f.key === 'received')
  const receivedAt = received ? receivedTime(displayValue(received)) : null
  const [at, source]: [Date, JudgedTime['source']] = given
    ? [given, 'given']
    : receivedAt
      ? [receivedAt, 'received']
      : [new Date(), 'now']
  return { at, source, atSeconds: Math.floor(at.getTime() / 1000), receivedAt }
}

/** One signature field parsed; a malformed one is a permerror now, with the finding its id names. */
function signatureState(field: HeaderField, index: number): SignatureState {
  const state = newSignatureState(index, field)
  const parsed: SignatureParse =
    field.raw.length > MAX_SIGNATURE_FIELD_BYTES
      ? {
          ok: false,
          failure: {
            id: 'signature-malformed',
            reason: `The field is larger than ${MAX_SIGNATURE_FIELD_BYTES} bytes; no real signature is.`,
            domain: '',
            selector: '',
            algorithm: '',
            canonicalization: '',
            signedHeaders: [],
          },
        }
      : parseSignatureValue(field.value)
  if (parsed.ok) {
    state.parsed = parsed.signature
    return state
  }
  const { failure } = parsed
  state.failure = failure
  fail(state, 'permerror', failure.reason)
  step(state, 'verify', 'failed', `The signature is malformed: ${failure.reason}`)
  state.findings.push(finding(failure.id, failure.reason, index))
  return state
}

/** Phase 2: a key lookup per parsed signature, started now so that they run while the body streams. */
function startKeyLookups(states: readonly SignatureState[], keys: KeySource): Promise<KeyLookup | null>[] {
  const lookups = states.map((state) => {
    if (!state.parsed) return Promise.resolve(null)
    const name = `${state.parsed.selector}._domainkey.${state.parsed.domain}`
    state.keyName = name
    return keys.lookup(name).catch(
      (error: unknown): KeyLookup => ({
        kind: 'temperror',
        reason: error instanceof Error ? error.message : String(error),
      }),
    )
  })
  // A rejected lookup must not go unhandled if the body read throws first.
  for (const lookup of lookups) lookup.catch(() => {})
  return lookups
}

/** One canonicalizer per canonicalization in use, one hash per (canonicalization, hash, l=). */
function bodyHashes(states: readonly SignatureState[]): BodyCanonicalizer[] {
  const canonicalizers = new Map<string, BodyCanonicalizer>()
  for (const state of states) {
    if (!state.parsed) continue
    const { bodyCanon, hash, bodyLength } = state.parsed
    let canonicalizer = canonicalizers.get(bodyCanon)
    if (!canonicalizer) {
      canonicalizer = bodyCanonicalizer(bodyCanon)
      canonicalizers.set(bodyCanon, canonicalizer)
    }
    state.bodyHash = canonicalizer.sink.hashFor(hash, bodyLength)
  }
  return [...canonicalizers.values()]
}

/**
 * The per-chunk work of phase 3: bare LFs repaired, every canonicalizer fed, and the first
 * EXPLAIN_BODY_MAX_BYTES kept to explain a mismatch (dropped when the body is larger).
 */
class BodyReader {
  readonly repair = new LineEndingRepair()
  /** Raw body bytes read. */
  bytes = 0
  readonly #writers: BodyCanonicalizer[]
  readonly #copyKept: boolean
  readonly #kept: Uint8Array[] = []
  #keptBytes = 0
  #keepBody: boolean

  constructor(writers: BodyCanonicalizer[], copyKept: boolean) {
    this.#writers = writers
    this.#copyKept = copyKept
    this.#keepBody = writers.length > 0
  }

  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.bytes += chunk.length
    if (this.#keepBody) {
      if (this.#keptBytes + chunk.length > EXPLAIN_BODY_MAX_BYTES) {
        this.#keepBody = false
        this.#kept.length = 0
      } else {
        this.#kept.push(this.#copyKept ? Uint8Array.prototype.slice.call(chunk) : chunk)
        this.#keptBytes += chunk.length
      }
    }
    const repaired = this.repair.write(chunk)
    for (const writer of this.#writers) writer.write(repaired)
  }

  /** Ends every canonicalizer (the hashes are final); the raw body when it was kept whole. */
  end(): Uint8Array | null {
    for (const writer of this.#writers) writer.end()
    const kept = this.#kept
    return this.#keepBody ? (kept.length === 1 ? (kept[0] as Uint8Array) : Buffer.concat(kept)) : null
  }
}

/** Phase 3: the body streamed through the reader; more than maxBytes in all stops the read. */
async function streamBody(
  chunks: AsyncIterator<Uint8Array>,
  head: MessageHead,
  reader: BodyReader,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { split } = head
  reader.write(split.bodyStart)
  if (split.ended) return
  const headerBytes = split.rawHeaderBytes + split.separatorBytes
  for (;;) {
    signal?.throwIfAborted()
    const next = await chunks.next()
    if (next.done) return
    if (headerBytes + reader.bytes + next.value.length > maxBytes) {
      await chunks.return?.()
      throw tooLarge(maxBytes)
    }
    reader.write(next.value)
  }
}

/** The end of phase 3: the hashes final, each signature's canonical body length, what explains a mismatch. */
function endBody(reader: BodyReader, head: MessageHead): MessageBody {
  const rawBody = reader.end()
  for (const state of head.states) state.canonicalTotal = state.bodyHash?.sink.total ?? null
  const contentType = head.fields.find((f) => f.key === 'content-type')
  const cte = head.fields.find((f) => f.key === 'content-transfer-encoding')
  return {
    bytes: reader.bytes,
    endings: reader.repair.counts,
    context: {
      rawBody,
      transferEncoding: cte ? displayValue(cte).toLowerCase() : null,
      contentType: contentType ? displayValue(contentType) : null,
      hadBareLf: reader.repair.counts.bareLf > 0,
    },
  }
}

/** Phase 4: each parsed signature checked with its key; a body that changed is explained. */
function checkSignatures(
  head: MessageHead,
  body: MessageBody,
  lookedUp: readonly (KeyLookup | null)[],
  sourceDescription: string,
): void {
  for (const state of head.states) {
    const lookup = lookedUp[state.index]
    if (state.parsed && lookup)
      checkSignature(state, state.parsed, lookup, head.fields, head.time.atSeconds, sourceDescription)
    if (state.parsed && state.bodyOk === false && state.bodyHash)
      explainBodyChange(state, state.parsed, body.context)
  }
}

/** The end of phase 4: a learning key source remembers the keys that verified, and says when one changed. */
async function rememberKeys(
  head: MessageHead,
  lookedUp: readonly (KeyLookup | null)[],
  keys: KeySource,
): Promise<void> {
  if (!isLearning(keys)) return
  const { receivedAt, at } = head.time
  for (const state of head.states) {
    if (!state.parsed || !state.keyName || !state.keyRecord || state.cryptoOk !== true) continue
    const lookup = lookedUp[state.index]
    if (lookup?.kind === 'found' && lookup.via) continue
    const before = keys.changedFrom(state.keyName, state.keyRecord)
    if (before)
      state.findings.push(
        finding(
          'key-changed',
          `${state.keyName} has a new key; the one remembered was seen from ${before.firstSeen.slice(0, 10)} to ${before.lastSeen.slice(0, 10)}.`,
          state.index,
        ),
      )
    const seen = state.parsed.signedAt !== null ? new Date(state.parsed.signedAt * 1000) : (receivedAt ?? at)
    keys.remember({ name: state.keyName, record: state.keyRecord, seenAt: seen })
  }
  // The store is a cache of public data: failing to write it must not fail the verification.
  await keys.save().catch(() => {})
}
