// One signature checked by the steps of RFC 6376 6.1, each recorded in the report: fetch the key,
// check the key, hash the body (done while the body streamed; compared here), hash the headers,
// verify. The first failing step decides the result; what else is wrong is still said.
import { createHash, verify as cryptoVerify } from 'node:crypto'
import { selectHeaders, signedHeaderBlock } from './canon-header.js'
import { type BodyContext, explainBodyMismatch } from './explain.js'
import { finding } from './findings.js'
import { keyMismatch, type PublicKeyRecord, parseKeyRecord } from './key-record.js'
import type { KeyLookup } from './key-sources.js'
import { CLOCK_SKEW_GRACE_SECONDS, RSA_GOOD_BITS, RSA_MIN_BITS } from './limits.js'
import { displayValue, type HeaderField, utf8Text } from './message.js'
import type { ParsedSignature } from './signature.js'
import { fail, type SignatureState, step } from './signature-state.js'

/** A DKIM time (seconds) as an ISO date, for reports; null for none or one out of Date's range. */
export function iso(seconds: number | null): string | null {
  if (seconds === null) return null
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** The steps of RFC 6376 6.1, each recorded; the first failing one decides the result. */
export function checkSignature(
  state: SignatureState,
  signature: ParsedSignature,
  lookup: KeyLookup,
  fields: readonly HeaderField[],
  atSeconds: number,
  sourceDescription: string,
): void {
  state.keyLookup = lookup
  // The body hash and the signature's dates do not need the key: whatever stops the check below,
  // what else is wrong with the signature is said too.
  checkBody(state, signature)
  const late = lateness(signature, atSeconds)
  const record = fetchKey(state, lookup, sourceDescription)
  const checked = record === null ? null : checkKey(state, signature, record)
  if (checked === null) {
    sayWhatElseIsWrong(state, signature, atSeconds, late)
    return
  }
  const data = hashHeaders(state, signature, fields)
  verifySignature(state, signature, fields, checked.key, data)
  if (state.cryptoOk && state.bodyOk) judgePolicy(state, signature, checked.policy, late, atSeconds)
}

/** A body hash that does not match, explained (explain.ts retries what usually changes a body). */
export function explainBodyChange(
  state: SignatureState,
  signature: ParsedSignature,
  context: BodyContext,
): void {
  const explanation = explainBodyMismatch(signature, context, state.canonicalTotal ?? 0)
  // A signature stopped earlier (no key) keeps its reason; the body is one more thing wrong.
  if (state.result === 'fail')
    state.reason = `The body hash does not match: the body changed after signing. ${explanation.cause}`
  state.findings.push(finding('body-hash-mismatch', explanation.cause, state.index))
}

/** When a step stopped the check: the dates and the body hash, in the reason and as findings. */
function sayWhatElseIsWrong(
  state: SignatureState,
  signature: ParsedSignature,
  atSeconds: number,
  late: readonly string[],
): void {
  pushLateness(state, signature, atSeconds)
  const more = late.map((l) => `the signature ${l}`)
  if (state.bodyOk === false) more.push('the body hash does not match (the body changed after signing)')
  if (more.length > 0) state.reason = `${state.reason} Also, ${more.join('; and ')}.`
}

/** Step 1: the one key record from the lookup, or null when there is none to use (the step failed). */
function fetchKey(state: SignatureState, lookup: KeyLookup, sourceDescription: string): string | null {
  const name = state.keyName ?? ''
  if (lookup.kind === 'temperror') {
    keyNotFetched(state, lookup, name, sourceDescription)
    return null
  }
  if (lookup.kind === 'none') {
    if (lookup.from === 'key-file') {
      step(state, 'fetch-key', 'failed', `The key records you gave have none for ${name}; DNS was not asked.`)
      fail(state, 'permerror', `No key for signature: the key records you gave have none for ${name}.`)
    } else {
      step(state, 'fetch-key', 'failed', `There is no key record at ${name} (${sourceDescription}).`)
      fail(state, 'permerror', `No key for signature: ${name} has no DKIM key record.`)
    }
    return null
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
    return null
  }
  const record = lookup.records[0] ?? ''
  state.keyRecord = record
  step(state, 'fetch-key', 'ok', `Fetched the key ${name} from ${state.keySource}.`)
  if (lookup.via) state.findings.push(finding('key-from-store', lookup.via, state.index))
  return record
}

/** A lookup that failed: a refusal needs the setting checked; only a timeout may pass by itself. */
function keyNotFetched(
  state: SignatureState,
  lookup: Extract<KeyLookup, { kind: 'temperror' }>,
  name: string,
  sourceDescription: string,
): void {
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
    return
  }
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

/**
 * Step 2: the key record parsed and matched with the signature. Null when it cannot be used (the
 * step failed); else the key, and the policy reason a too-short key gives (the cryptography is
 * still checked, so the report says whether it holds).
 */
function checkKey(
  state: SignatureState,
  signature: ParsedSignature,
  record: string,
): { key: PublicKeyRecord; policy: string | null } | null {
  const name = state.keyName ?? ''
  const parsedKey = parseKeyRecord(record)
  if (!parsedKey.ok) {
    step(state, 'check-key', 'failed', parsedKey.reason)
    fail(state, 'permerror', parsedKey.reason)
    state.findings.push(
      finding(parsedKey.revoked ? 'key-revoked' : 'key-invalid', parsedKey.reason, state.index),
    )
    return null
  }
  const key = parsedKey.key
  state.key = key
  const mismatch = keyMismatch(key, signature)
  if (mismatch) {
    step(state, 'check-key', 'failed', mismatch)
    fail(state, 'permerror', mismatch)
    state.findings.push(finding('key-invalid', mismatch, state.index))
    return null
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
      'warn',
      `A ${key.bits}-bit RSA key: allowed, but weak (2048 or more is advised).`,
    )
    state.findings.push(finding('key-weak', `${name}: ${key.bits}-bit RSA key.`, state.index))
  } else
    step(
      state,
      'check-key',
      key.testing ? 'warn' : 'ok',
      `${key.keyType === 'rsa' ? `A ${key.bits}-bit RSA key` : 'An ed25519 key'}${key.testing ? ', in testing mode (t=y)' : ''}.`,
    )
  if (key.testing) state.findings.push(finding('key-testing', `${name} has t=y.`, state.index))
  return { key, policy }
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

/** Step 4: the signed header block (always, so a failing body still shows whether the headers hold). */
function hashHeaders(
  state: SignatureState,
  signature: ParsedSignature,
  fields: readonly HeaderField[],
): Buffer {
  const selected = selectHeaders(fields, signature.signedHeaders, state.field)
  const blockText = signedHeaderBlock(signature.headerCanon, selected, state.field, signature)
  state.headerBlock = blockText
  const present = selected.filter((f) => f !== null).length
  step(
    state,
    'hash-headers',
    'ok',
    `Hashed ${present} header field${present === 1 ? '' : 's'} (${signature.headerCanon}) of the ${signature.signedHeaders.length} named in h=, and the signature field itself.`,
  )
  return Buffer.from(blockText, 'latin1')
}

/** The signature checked over a signed header block: RSASSA-PKCS1-v1_5, or ed25519 over its SHA-256 (RFC 8463). */
function signatureHolds(data: Buffer, key: PublicKeyRecord, signature: ParsedSignature): boolean {
  try {
    return key.keyType === 'ed25519'
      ? cryptoVerify(null, createHash('sha256').update(data).digest(), key.key, signature.signature)
      : cryptoVerify(signature.hash, data, key.key, signature.signature)
  } catch {
    return false
  }
}

/** Step 5: the cryptography, with the body's result (a body that changed fails even when it holds). */
function verifySignature(
  state: SignatureState,
  signature: ParsedSignature,
  fields: readonly HeaderField[],
  key: PublicKeyRecord,
  data: Buffer,
): void {
  const ok = signatureHolds(data, key, signature)
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
  }
}

/** Cryptographically sound: now what the signer and RFC 8301 allow (sha1, a short key, the dates). */
function judgePolicy(
  state: SignatureState,
  signature: ParsedSignature,
  keyPolicy: string | null,
  late: readonly string[],
  atSeconds: number,
): void {
  let policy = keyPolicy
  if (signature.hash === 'sha1') {
    policy ??= 'The signature verifies, but rsa-sha1 is not acceptable any more (RFC 8301 3.1).'
    state.findings.push(finding('sha1-not-accepted', `${signature.domain} signs with rsa-sha1.`, state.index))
  }
  if (late[0]) policy ??= `The signature verifies, but it ${late[0]}.`
  pushLateness(state, signature, atSeconds)
  if (policy) {
    step(state, 'verify', 'warn', `The cryptography verifies. ${policy}`)
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
    if (signatureHolds(block, key, signature)) {
      const shown = displayValue(bottom).slice(0, 200)
      state.findings.push(
        finding(
          'unsigned-instance-below',
          `A ${utf8Text(bottom.name)} header ("${shown}") was added below the signed one.`,
          state.index,
        ),
      )
      return `A second ${utf8Text(bottom.name)} header was added below the signed one after signing ("${shown}"); without it the signature verifies.`
    }
  }
  const hint =
    signature.headerCanon === 'simple'
      ? ' With simple header canonicalization even re-folding a header or changing its spacing breaks the signature.'
      : ''
  return `The signed headers are ${signature.signedHeaders.join(', ')}; compare them with the canonicalized header block shown.${hint}`
}
