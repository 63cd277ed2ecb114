// verifyMessage: one pass over the message. The header block is read (bounded) and parsed, key
// lookups start at once, the body streams through one canonicalizer per canonicalization into
// one hash per distinct (canonicalization, hash, l=), then each signature is checked step by step
// (fetch key, check key, hash body, hash headers, verify) and the findings are gathered.
import { createHash, verify as cryptoVerify } from 'node:crypto'
import type { DkimReport, DkimResult, DkimStep, DkimStepStatus } from '../../shared/contract/dkim.js'
import { alignmentOf } from './addresses.js'
import { parseAuthenticationResults, receivedTime } from './auth-results.js'
import { type BodyCanonicalizer, type BodyHash, bodyCanonicalizer } from './canon-body.js'
import { selectHeaders, signedHeaderBlock } from './canon-header.js'
import { DkimInputError } from './errors.js'
import { explainBodyMismatch } from './explain.js'
import { type Finding, finding, messageFindings, signatureFindings, sortFindings } from './findings.js'
import { keyMismatch, type PublicKeyRecord, parseKeyRecord } from './key-record.js'
import { isLearning, type KeyLookup, type KeySource } from './key-sources.js'
import {
  CLOCK_SKEW_GRACE_SECONDS,
  DEFAULT_MAX_MESSAGE_BYTES,
  EXPLAIN_BODY_MAX_BYTES,
  MAX_HEADER_BYTES,
  MAX_SHOWN_CANONICAL_BYTES,
  MAX_SHOWN_HEADER_VALUE,
  MAX_SHOWN_HEADERS,
  MAX_SIGNATURE_FIELD_BYTES,
  MAX_SIGNATURES_VERIFIED,
  RSA_GOOD_BITS,
  RSA_MIN_BITS,
} from './limits.js'
import {
  displayValue,
  type HeaderField,
  LineEndingRepair,
  parseHeaderFields,
  readHeaderBlock,
  utf8Text,
} from './message.js'
import { type ParsedSignature, parseSignatureValue, type SignatureFailure } from './signature.js'

export { DkimInputError } from './errors.js'

export interface VerifyOptions {
  keys: KeySource
  /** Judge expiry as of this time; null or absent: the topmost Received time, else now. */
  at?: Date | null
  signal?: AbortSignal
  /** The largest message accepted (default DEFAULT_MAX_MESSAGE_BYTES); beyond it: DkimInputError. */
  maxBytes?: number
}

type StepMap = Record<DkimStep['name'], { status: DkimStepStatus; sentence: string }>

/** Everything known about one signature while it is being checked. */
export interface SignatureState {
  index: number
  field: HeaderField
  parsed: ParsedSignature | null
  failure: SignatureFailure | null
  result: DkimResult
  reason: string | null
  steps: StepMap
  bodyHash: BodyHash | null
  canonicalTotal: number | null
  key: PublicKeyRecord | null
  keyName: string | null
  keySource: string | null
  keyRecord: string | null
  keyLookup: KeyLookup | null
  headerBlock: string | null
  cryptoOk: boolean | null
  bodyOk: boolean | null
  findings: Finding[]
}

const RANK: DkimResult[] = ['pass', 'policy', 'fail', 'temperror', 'permerror', 'neutral', 'none']

function bounded(text: string, max: number): { text: string; truncated: boolean } {
  return text.length > max ? { text: text.slice(0, max), truncated: true } : { text, truncated: false }
}

const readable = utf8Text

function iso(seconds: number | null): string | null {
  if (seconds === null) return null
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
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

/** `work`, or the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort)
        reject(error)
      },
    )
  })
}

function newSteps(): StepMap {
  const skipped = { status: 'skipped' as const, sentence: 'Not reached.' }
  return {
    'fetch-key': { ...skipped },
    'check-key': { ...skipped },
    'hash-body': { ...skipped },
    'hash-headers': { ...skipped },
    verify: { ...skipped },
  }
}

export async function verifyMessage(
  input: Uint8Array | AsyncIterable<Uint8Array>,
  options: VerifyOptions,
): Promise<DkimReport> {
  const { signal } = options
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  signal?.throwIfAborted()
  const chunks = toIterator(input)
  const split = await readHeaderBlock(chunks, Math.min(MAX_HEADER_BYTES, maxBytes), signal)
  if (split.rawHeaderBytes === 0 && split.bodyStart.length === 0 && split.ended)
    throw new DkimInputError('empty', 'The message is empty.')
  const tooLarge = () =>
    new DkimInputError(
      'too-large',
      `The message is larger than ${maxBytes} bytes, the limit for one message.`,
    )
  if (split.rawHeaderBytes + split.separatorBytes + split.bodyStart.length > maxBytes) throw tooLarge()
  const headerText = split.header.toString('latin1')
  const block = parseHeaderFields(headerText)
  const fields = block.fields

  // The time signatures are judged at.
  const received = fields.find((f) => f.key === 'received')
  const receivedAt = received ? receivedTime(displayValue(received)) : null
  let at: Date
  let atSource: DkimReport['verifiedAtSource']
  if (options.at) {
    at = options.at
    atSource = 'given'
  } else if (receivedAt) {
    at = receivedAt
    atSource = 'received'
  } else {
    at = new Date()
    atSource = 'now'
  }
  const atSeconds = Math.floor(at.getTime() / 1000)

  // Parse every signature (all of them, so none disappears); check at most MAX_SIGNATURES_VERIFIED.
  const signatureFields = fields.filter((f) => f.key === 'dkim-signature')
  const states: SignatureState[] = signatureFields.slice(0, MAX_SIGNATURES_VERIFIED).map((field, index) => {
    const state: SignatureState = {
      index,
      field,
      parsed: null,
      failure: null,
      result: 'neutral',
      reason: null,
      steps: newSteps(),
      bodyHash: null,
      canonicalTotal: null,
      key: null,
      keyName: null,
      keySource: null,
      keyRecord: null,
      keyLookup: null,
      headerBlock: null,
      cryptoOk: null,
      bodyOk: null,
      findings: [],
    }
    const parsed =
      field.raw.length > MAX_SIGNATURE_FIELD_BYTES
        ? ({
            ok: false,
            failure: {
              reason: `The field is larger than ${MAX_SIGNATURE_FIELD_BYTES} bytes; no real signature is.`,
              domain: '',
              selector: '',
              algorithm: '',
              canonicalization: '',
              signedHeaders: [] as string[],
            },
          } as const)
        : parseSignatureValue(field.value)
    if (parsed.ok) state.parsed = parsed.signature
    else {
      state.failure = parsed.failure
      state.result = 'permerror'
      state.reason = parsed.failure.reason
      state.steps.verify = {
        status: 'failed',
        sentence: `The signature is malformed: ${parsed.failure.reason}`,
      }
      const reason = parsed.failure.reason
      const id = reason.startsWith('The identity')
        ? 'identity-invalid'
        : reason.startsWith('h= does not include From')
          ? 'from-not-signed'
          : 'signature-malformed'
      state.findings.push(finding(id, reason, index))
    }
    return state
  })

  // Key lookups start now and run while the body streams.
  const lookups = states.map((state) => {
    if (!state.parsed) return Promise.resolve(null)
    const name = `${state.parsed.selector}._domainkey.${state.parsed.domain}`
    state.keyName = name
    return options.keys.lookup(name).catch(
      (error: unknown): KeyLookup => ({
        kind: 'temperror',
        reason: error instanceof Error ? error.message : String(error),
      }),
    )
  })
  // A rejected lookup must not go unhandled if the body read throws first.
  for (const lookup of lookups) lookup.catch(() => {})

  // One canonicalizer per canonicalization in use, one hash per (canonicalization, hash, l=).
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
  const writers = [...canonicalizers.values()]

  // Stream the body.
  const repair = new LineEndingRepair()
  const kept: Uint8Array[] = []
  let keptBytes = 0
  let keepBody = writers.length > 0
  // A caller's stream may reuse its buffers, so streamed chunks are copied; a whole buffer is not.
  const copyKept = !(input instanceof Uint8Array)
  let bodyBytes = 0
  const feed = (chunk: Uint8Array) => {
    if (chunk.length === 0) return
    bodyBytes += chunk.length
    if (keepBody) {
      if (keptBytes + chunk.length > EXPLAIN_BODY_MAX_BYTES) {
        keepBody = false
        kept.length = 0
      } else {
        kept.push(copyKept ? Uint8Array.prototype.slice.call(chunk) : chunk)
        keptBytes += chunk.length
      }
    }
    const repaired = repair.write(chunk)
    for (const writer of writers) writer.write(repaired)
  }
  feed(split.bodyStart)
  if (!split.ended) {
    for (;;) {
      signal?.throwIfAborted()
      const next = await chunks.next()
      if (next.done) break
      if (split.rawHeaderBytes + split.separatorBytes + bodyBytes + next.value.length > maxBytes) {
        await chunks.return?.()
        throw tooLarge()
      }
      feed(next.value)
    }
  }
  for (const writer of writers) writer.end()
  const total = split.rawHeaderBytes + split.separatorBytes + bodyBytes
  for (const state of states) state.canonicalTotal = state.bodyHash?.sink.total ?? null
  const rawBody = keepBody ? (kept.length === 1 ? (kept[0] as Uint8Array) : Buffer.concat(kept)) : null

  const contentType = fields.find((f) => f.key === 'content-type')
  const cte = fields.find((f) => f.key === 'content-transfer-encoding')
  const bodyContext = {
    rawBody,
    transferEncoding: cte ? displayValue(cte).toLowerCase() : null,
    contentType: contentType ? displayValue(contentType) : null,
    hadBareLf: repair.counts.bareLf > 0,
  }

  // Check each signature.
  const learning = isLearning(options.keys) ? options.keys : null
  // A key source that never answers must not outlive the caller's signal.
  const lookedUp = await untilAborted(Promise.all(lookups), signal)
  for (const state of states) {
    const lookup = lookedUp[state.index]
    if (state.parsed && lookup)
      checkSignature(state, state.parsed, lookup, fields, atSeconds, options.keys.description)
    if (state.parsed && state.bodyOk === false && state.bodyHash) {
      const explanation = explainBodyMismatch(state.parsed, bodyContext, state.canonicalTotal ?? 0)
      // A signature stopped earlier (no key) keeps its reason; the body is one more thing wrong.
      if (state.result === 'fail')
        state.reason = `The body hash does not match: the body changed after signing. ${explanation.cause}`
      state.findings.push(finding('body-hash-mismatch', explanation.cause, state.index))
    }
  }

  // Remember keys that verified, and say when a remembered key changed.
  if (learning) {
    for (const state of states) {
      if (!state.parsed || !state.keyName || !state.keyRecord || state.cryptoOk !== true) continue
      const lookup = lookedUp[state.index]
      if (lookup?.kind === 'found' && lookup.via) continue
      const before = learning.changedFrom(state.keyName, state.keyRecord)
      if (before)
        state.findings.push(
          finding(
            'key-changed',
            `${state.keyName} has a new key; the one remembered was seen from ${before.firstSeen.slice(0, 10)} to ${before.lastSeen.slice(0, 10)}.`,
            state.index,
          ),
        )
      const seen =
        state.parsed.signedAt !== null ? new Date(state.parsed.signedAt * 1000) : (receivedAt ?? at)
      learning.remember({ name: state.keyName, record: state.keyRecord, seenAt: seen })
    }
    // The store is a cache of public data: failing to write it must not fail the verification.
    await learning.save().catch(() => {})
  }

  // Alignment and the signature that counts for DMARC.
  const message = messageFindings(block, fields, split, repair.counts, signatureFields.length, states.length)
  const fromDomain = message.fromDomain
  // An ambiguous author (two From fields, a first line some clients show as the sender) is aligned
  // with nothing: which author the reader sees is not the verifier's to pick.
  const alignments = states.map((state) =>
    message.authorAmbiguous
      ? 'none'
      : alignmentOf(state.parsed?.domain ?? state.failure?.domain ?? '', fromDomain),
  )
  const passing = states.filter((s) => s.result === 'pass')
  const dmarc =
    passing.find((s) => alignments[s.index] === 'strict') ??
    passing.find((s) => alignments[s.index] === 'relaxed') ??
    null
  const verdict =
    states.length === 0 ? 'none' : (RANK.find((r) => states.some((s) => s.result === r)) ?? 'none')

  const findings: Finding[] = [...message.findings]
  findings.push(
    ...signatureFindings({
      states,
      fields,
      alignments,
      dmarc,
      fromDomain,
      authorAmbiguous: message.authorAmbiguous,
      atSeconds,
      nowSeconds: options.at ? options.at.getTime() / 1000 : Date.now() / 1000,
      receivedAt,
      bodyContext,
    }),
  )

  // What the receiving server said.
  const receivedResults: DkimReport['receivedResults'] = []
  const signaturesBase64 = states.map((s) => s.parsed?.signature.toString('base64') ?? '')
  for (const field of fields) {
    if (field.key !== 'authentication-results') continue
    for (const entry of parseAuthenticationResults(displayValue(field))) {
      const match =
        states.find(
          (s) =>
            s.parsed &&
            entry.signaturePrefix !== null &&
            entry.signaturePrefix.length >= 8 &&
            (signaturesBase64[s.index] ?? '').startsWith(entry.signaturePrefix),
        ) ??
        states.find(
          (s) =>
            entry.signaturePrefix === null &&
            (s.parsed?.domain ?? s.failure?.domain) === entry.domain &&
            (entry.selector === null || (s.parsed?.selector ?? s.failure?.selector) === entry.selector),
        ) ??
        null
      const ours = match?.result ?? null
      receivedResults.push({
        server: entry.server,
        result: entry.result,
        domain: entry.domain,
        selector: entry.selector,
        signaturePrefix: entry.signaturePrefix,
        signature: match?.index ?? null,
        ours,
        disagrees: ours !== null && ours !== entry.result,
      })
      if (receivedResults.length >= 50) break
    }
  }
  const disagreements = receivedResults.filter((r) => r.disagrees)
  if (disagreements.length > 0)
    findings.push(
      finding(
        'auth-results-disagree',
        disagreements
          .map(
            (r) =>
              `${r.server || 'The receiving server'} wrote dkim=${r.result} for ${r.domain ?? 'a signature'}; Mailwarden finds ${r.ours}${
                r.signature === null ? '' : noKeyBecause(states[r.signature]?.keyLookup ?? null, options.keys)
              }.`,
          )
          .join(' '),
        disagreements[0]?.signature ?? null,
      ),
    )

  const shownHeaders = fields.slice(0, MAX_SHOWN_HEADERS).map((f) => ({
    name: readable(f.name.replace(/[\r\n]+/g, ' ')).slice(0, 200),
    value: displayValue(f).slice(0, MAX_SHOWN_HEADER_VALUE),
  }))

  const { crlf, bareLf } = {
    crlf: split.headerEndings.crlf + repair.counts.crlf,
    bareLf: split.headerEndings.bareLf + repair.counts.bareLf,
  }
  return {
    signatures: states.map((state) =>
      signatureReport(state, alignments[state.index] ?? 'none', dmarc === state),
    ),
    findings: sortFindings(findings).map((f) => ({ ...f, detail: f.detail.slice(0, 4000) })),
    from: message.fromAddress,
    fromDomain,
    verdict,
    alignedPass: dmarc !== null,
    dmarcSignature: dmarc?.index ?? null,
    receivedResults,
    verifiedAt: at.toISOString(),
    verifiedAtSource: atSource,
    lineEndings: crlf === 0 && bareLf === 0 ? 'none' : bareLf === 0 ? 'crlf' : crlf === 0 ? 'lf' : 'mixed',
    sizeBytes: total,
    headerBytes: split.rawHeaderBytes,
    bodyBytes,
    headers: shownHeaders,
    headersTruncated: fields.length > MAX_SHOWN_HEADERS,
  }
}

/** Why a signature had no key, named by the source that said so (a key file is not DNS). */
function noKeyBecause(lookup: KeyLookup | null, keys: KeySource): string {
  if (lookup?.kind !== 'none') return ''
  return lookup.from === 'key-file'
    ? ' because the key records you gave have no key for it'
    : ` because ${keys.description} has no key for it now`
}

function step(state: SignatureState, name: DkimStep['name'], status: DkimStepStatus, sentence: string): void {
  state.steps[name] = { status, sentence }
}

function fail(state: SignatureState, result: DkimResult, reason: string): void {
  state.result = result
  state.reason = reason
}

/** The steps of RFC 6376 6.1, each recorded; the first failing one decides the result. */
function checkSignature(
  state: SignatureState,
  signature: ParsedSignature,
  lookup: KeyLookup,
  fields: readonly HeaderField[],
  atSeconds: number,
  sourceDescription: string,
): void {
  const name = state.keyName ?? ''
  state.keyLookup = lookup
  // 1. Fetch the key.
  // The body hash and the signature's dates do not need the key: whatever stops the check below,
  // what else is wrong with the signature is said too.
  checkBody(state, signature)
  const late = lateness(signature, atSeconds)
  const also = () => {
    pushLateness(state, signature, atSeconds)
    const more = [...late.map((l) => `the signature ${l}`)]
    if (state.bodyOk === false) more.push('the body hash does not match (the body changed after signing)')
    if (more.length > 0) state.reason = `${state.reason} Also, ${more.join('; and ')}.`
  }
  if (lookup.kind === 'temperror') {
    if (lookup.dns === 'refused') {
      step(state, 'fetch-key', 'failed', `The ${sourceDescription} refused to look up ${name}.`)
      fail(
        state,
        'temperror',
        `The key could not be fetched: the ${sourceDescription} refused to look it up. Check the DNS server setting.`,
      )
      state.findings.push(
        finding('key-dns-refused', `The ${sourceDescription} refused to look up ${name}.`, state.index),
      )
    } else {
      step(state, 'fetch-key', 'failed', `The key ${name} could not be fetched: ${lookup.reason}`)
      // Only a timeout may pass by itself; a server that is not there or fails needs the setting checked.
      const what = lookup.reason.replace(/\.$/, '')
      fail(
        state,
        'temperror',
        lookup.dns === undefined || lookup.dns === 'timeout'
          ? `The key could not be fetched: ${what}. Trying again later may succeed; if not, check the DNS server setting.`
          : `The key could not be fetched: ${what}. Check the DNS server setting.`,
      )
      state.findings.push(finding('key-unavailable', lookup.reason, state.index))
    }
    also()
    return
  }
  if (lookup.kind === 'none') {
    if (lookup.from === 'key-file') {
      step(state, 'fetch-key', 'failed', `The key records you gave have none for ${name}; DNS was not asked.`)
      fail(state, 'permerror', `No key for signature: the key records you gave have none for ${name}.`)
    } else {
      step(state, 'fetch-key', 'failed', `There is no key record at ${name} (${sourceDescription}).`)
      fail(state, 'permerror', `No key for signature: ${name} has no DKIM key record.`)
    }
    also()
    return
  }
  state.keySource = lookup.via ?? sourceDescription
  if (lookup.records.length > 1) {
    step(
      state,
      'fetch-key',
      'failed',
      `${name} has ${lookup.records.length} TXT records; a selector must have one.`,
    )
    fail(state, 'permerror', `${name} has several key records, so the key is ambiguous (RFC 6376 3.6.2.2).`)
    state.findings.push(
      finding('key-invalid', `${name} publishes ${lookup.records.length} different records.`, state.index),
    )
    also()
    return
  }
  const record = lookup.records[0] ?? ''
  state.keyRecord = record
  step(state, 'fetch-key', 'ok', `Fetched the key ${name} from ${state.keySource}.`)
  if (lookup.via) state.findings.push(finding('key-from-store', lookup.via, state.index))

  // 2. Check the key.
  const parsedKey = parseKeyRecord(record)
  if (!parsedKey.ok) {
    step(state, 'check-key', 'failed', parsedKey.reason)
    fail(state, 'permerror', parsedKey.reason)
    state.findings.push(
      finding(parsedKey.revoked ? 'key-revoked' : 'key-invalid', parsedKey.reason, state.index),
    )
    also()
    return
  }
  const key = parsedKey.key
  state.key = key
  const mismatch = keyMismatch(key, signature)
  if (mismatch) {
    step(state, 'check-key', 'failed', mismatch)
    fail(state, 'permerror', mismatch)
    state.findings.push(finding('key-invalid', mismatch, state.index))
    also()
    return
  }
  let policy: string | null = null
  if (key.keyType === 'rsa' && key.bits < RSA_MIN_BITS) {
    step(
      state,
      'check-key',
      'failed',
      `The RSA key has ${key.bits} bits; under ${RSA_MIN_BITS} is not acceptable (RFC 8301 3.2).`,
    )
    policy = `The RSA key has only ${key.bits} bits; RFC 8301 forbids accepting keys under ${RSA_MIN_BITS} bits.`
    state.findings.push(finding('key-too-short', `${name}: ${key.bits}-bit RSA key.`, state.index))
  } else if (key.keyType === 'rsa' && key.bits < RSA_GOOD_BITS) {
    step(
      state,
      'check-key',
      'warning',
      `A ${key.bits}-bit RSA key: allowed, but weak (2048 or more is advised).`,
    )
    state.findings.push(finding('key-weak', `${name}: ${key.bits}-bit RSA key.`, state.index))
  } else
    step(
      state,
      'check-key',
      key.testing ? 'warning' : 'ok',
      `${key.keyType === 'rsa' ? `A ${key.bits}-bit RSA key` : 'An ed25519 key'}${key.testing ? ', in testing mode (t=y)' : ''}.`,
    )
  if (key.testing) state.findings.push(finding('key-testing', `${name} has t=y.`, state.index))

  // 3. The body was hashed above (checkBody).

  // 4. Hash the headers (always, so a failing body still shows whether the headers hold).
  const selected = selectHeaders(fields, signature.signedHeaders, state.field)
  const blockText = signedHeaderBlock(signature.headerCanon, selected, state.field, signature)
  state.headerBlock = blockText
  const data = Buffer.from(blockText, 'latin1')
  const present = selected.filter((f) => f !== null).length
  step(
    state,
    'hash-headers',
    'ok',
    `Hashed ${present} header field${present === 1 ? '' : 's'} (${signature.headerCanon}) of the ${signature.signedHeaders.length} named in h=, and the signature field itself.`,
  )

  // 5. Verify.
  let ok: boolean
  try {
    ok =
      key.keyType === 'ed25519'
        ? cryptoVerify(null, createHash('sha256').update(data).digest(), key.key, signature.signature)
        : cryptoVerify(signature.hash, data, key.key, signature.signature)
  } catch {
    ok = false
  }
  state.cryptoOk = ok
  if (!ok) {
    const explained = explainHeaderMismatch(signature, fields, state, key)
    step(state, 'verify', 'failed', `The signature does not verify over the signed headers. ${explained}`)
    if (state.bodyOk)
      fail(
        state,
        'fail',
        `The signature does not verify: a signed header changed, or the key is not the signer’s. ${explained}`,
      )
    else fail(state, 'fail', 'The body hash does not match: the body changed after signing.')
    if (state.bodyOk) state.findings.push(finding('header-hash-mismatch', explained, state.index))
    return
  }
  if (!state.bodyOk) {
    step(
      state,
      'verify',
      'ok',
      'The signature over the headers verifies: the headers are as signed, only the body changed.',
    )
    fail(state, 'fail', 'The body hash does not match: the body changed after signing.')
    return
  }

  // Cryptographically sound; now what the signer and RFC 8301 allow.
  if (signature.hash === 'sha1') {
    policy ??= 'The signature verifies, but rsa-sha1 is not acceptable any more (RFC 8301 3.1).'
    state.findings.push(finding('sha1-not-accepted', `${signature.domain} signs with rsa-sha1.`, state.index))
  }
  if (late[0]) policy ??= `The signature verifies, but it ${late[0]}.`
  pushLateness(state, signature, atSeconds)
  if (policy) {
    step(state, 'verify', 'warning', `The cryptography verifies. ${policy}`)
    fail(state, 'policy', policy)
    return
  }
  step(
    state,
    'verify',
    'ok',
    `The ${signature.algorithm} signature verifies with the key of ${signature.domain}.`,
  )
  state.result = 'pass'
  state.reason = null
}

/** Step 3 of RFC 6376 6.1: the body hash against bh= (computed while the body streamed). */
function checkBody(state: SignatureState, signature: ParsedSignature): void {
  const bodyHash = state.bodyHash
  const computed = bodyHash?.digest ?? null
  const bodyOk = computed?.equals(signature.bodyHash) === true
  const tooShort = signature.bodyLength !== null && signature.bodyLength > (state.canonicalTotal ?? 0)
  state.bodyOk = bodyOk && !tooShort
  const coverage =
    signature.bodyLength === null
      ? `the whole body (${state.canonicalTotal} canonical bytes)`
      : `the first ${Math.min(signature.bodyLength, state.canonicalTotal ?? 0)} of ${state.canonicalTotal} canonical bytes (l=)`
  if (state.bodyOk)
    step(state, 'hash-body', 'ok', `The ${signature.bodyCanon} body hash over ${coverage} matches bh=.`)
  else if (tooShort)
    step(
      state,
      'hash-body',
      'failed',
      `l=${signature.bodyLength} is longer than the body (${state.canonicalTotal} bytes).`,
    )
  else
    step(
      state,
      'hash-body',
      'failed',
      `The ${signature.bodyCanon} body hash over ${coverage} differs from bh=.`,
    )
}

/** What is wrong with the signature's dates, as "expired on ..." phrases (none: in date). */
function lateness(signature: ParsedSignature, atSeconds: number): string[] {
  const at = new Date(atSeconds * 1000).toISOString()
  const out: string[] = []
  if (signature.expiresAt !== null && atSeconds > signature.expiresAt)
    out.push(`expired on ${iso(signature.expiresAt)} (x=), before ${at}`)
  if (signature.signedAt !== null && signature.signedAt > atSeconds + CLOCK_SKEW_GRACE_SECONDS)
    out.push(`is dated ${iso(signature.signedAt)} (t=), after ${at}`)
  return out
}

/** The findings for what lateness() says. */
function pushLateness(state: SignatureState, signature: ParsedSignature, atSeconds: number): void {
  if (signature.expiresAt !== null && atSeconds > signature.expiresAt)
    state.findings.push(
      finding(
        'signature-expired',
        `Expired ${iso(signature.expiresAt)}; judged as of ${new Date(atSeconds * 1000).toISOString()}.`,
        state.index,
      ),
    )
  if (signature.signedAt !== null && signature.signedAt > atSeconds + CLOCK_SKEW_GRACE_SECONDS)
    state.findings.push(finding('signature-future', `Signed ${iso(signature.signedAt)}.`, state.index))
}

/** Tries the usual header changes: an extra instance added below a signed one. */
function explainHeaderMismatch(
  signature: ParsedSignature,
  fields: readonly HeaderField[],
  state: SignatureState,
  key: PublicKeyRecord,
): string {
  const names = [...new Set(signature.signedHeaders)]
  for (const name of names) {
    const instances = fields.filter((f) => f.key === name && f !== state.field)
    if (instances.length < 2) continue
    // Skip the bottom instance: if the signature then verifies, it was added after signing.
    const bottom = instances[instances.length - 1] as HeaderField
    const without = fields.filter((f) => f !== bottom)
    const block = Buffer.from(
      signedHeaderBlock(
        signature.headerCanon,
        selectHeaders(without, signature.signedHeaders, state.field),
        state.field,
        signature,
      ),
      'latin1',
    )
    let ok = false
    try {
      ok =
        key.keyType === 'ed25519'
          ? cryptoVerify(null, createHash('sha256').update(block).digest(), key.key, signature.signature)
          : cryptoVerify(signature.hash, block, key.key, signature.signature)
    } catch {
      ok = false
    }
    if (ok) {
      const shown = displayValue(bottom).slice(0, 200)
      state.findings.push(
        finding(
          'unsigned-instance-below',
          `A ${readable(bottom.name)} header ("${shown}") was added below the signed one.`,
          state.index,
        ),
      )
      return `A second ${readable(bottom.name)} header was added below the signed one after signing ("${shown}"); without it the signature verifies.`
    }
  }
  const hint =
    signature.headerCanon === 'simple'
      ? ' With simple header canonicalization even re-folding a header or changing its spacing breaks the signature.'
      : ''
  return `The signed headers are ${signature.signedHeaders.join(', ')}; compare them with the canonicalized header block shown.${hint}`
}

function signatureReport(
  state: SignatureState,
  alignment: 'strict' | 'relaxed' | 'none',
  counts: boolean,
): DkimReport['signatures'][number] {
  const p = state.parsed
  const f = state.failure
  return {
    index: state.index,
    domain: readable(p?.domain ?? f?.domain ?? ''),
    selector: readable(p?.selector ?? f?.selector ?? ''),
    algorithm: readable(p?.algorithm ?? f?.algorithm ?? ''),
    canonicalization: p ? `${p.headerCanon}/${p.bodyCanon}` : readable(f?.canonicalization ?? ''),
    result: state.result,
    reason: state.reason,
    keyBits: state.key?.bits ?? null,
    bodyLength: p?.bodyLength ?? null,
    signedHeaders: (p?.signedHeaders ?? f?.signedHeaders ?? []).map(readable),
    aligned: alignment !== 'none',
    alignment,
    testing: state.key?.testing ?? false,
    identity: p?.identity ? readable(p.identity) : null,
    signedAt: iso(p?.signedAt ?? null),
    expiresAt: iso(p?.expiresAt ?? null),
    countsForDmarc: counts,
    steps: (Object.keys(state.steps) as DkimStep['name'][]).map((name) => ({ name, ...state.steps[name] })),
    body: {
      signedBytes:
        state.canonicalTotal === null
          ? null
          : p?.bodyLength != null
            ? Math.min(p.bodyLength, state.canonicalTotal)
            : state.canonicalTotal,
      totalBytes: state.canonicalTotal,
      claimedHash: p?.bodyHashText ?? null,
      computedHash: state.bodyHash?.digest ? state.bodyHash.digest.toString('base64') : null,
      matches: state.bodyOk,
    },
    canonicalHeaders:
      state.headerBlock === null ? null : bounded(readable(state.headerBlock), MAX_SHOWN_CANONICAL_BYTES),
    rawField: bounded(readable(state.field.raw), MAX_SHOWN_CANONICAL_BYTES),
    keySource: state.keySource,
    keyRecord: state.keyRecord ? state.keyRecord.slice(0, 4096) : null,
  }
}
