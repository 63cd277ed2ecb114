// One DKIM-Signature field parsed strictly (RFC 6376 3.5, RFC 8301, RFC 8463, RFC 8616): either a
// usable signature or the reason it is a permerror. Header values are latin1 strings (one char
// per byte of the message).
import { domainToASCII } from 'node:url'
import type { DkimFindingId } from '../../shared/knowledge/dkim-findings.js'
import { MAX_SHOWN_ALGORITHM, MAX_SHOWN_NAME, MAX_SHOWN_SIGNED_HEADERS } from './limits.js'
import { decodeBase64Strict, parseTagList, stripFws, type Tag } from './tag-list.js'

export type KeyType = 'rsa' | 'ed25519'
export type HashName = 'sha256' | 'sha1'
export type Canon = 'simple' | 'relaxed'

export interface ParsedSignature {
  algorithm: string
  keyType: KeyType
  hash: HashName
  headerCanon: Canon
  bodyCanon: Canon
  /** d= in A-labels, lower case. */
  domain: string
  selector: string
  signedHeaders: string[]
  identity: string | null
  /** Domain part of i= (or d=), lower case A-labels. */
  identityDomain: string
  bodyLength: number | null
  signedAt: number | null
  expiresAt: number | null
  bodyHash: Buffer
  bodyHashText: string
  signature: Buffer
  /** The b= tag's raw value span inside the field's value, for emptying it. */
  bTag: Tag
}

/** The finding a malformed signature raises: most are just malformed; two have findings of their own. */
export type SignatureFailureId = Extract<
  DkimFindingId,
  'signature-malformed' | 'from-not-signed' | 'identity-invalid'
>

/** What a permerror signature still tells: whatever tags could be read. */
export interface SignatureFailure {
  /** Decides the finding; `reason` only explains it. */
  id: SignatureFailureId
  reason: string
  domain: string
  selector: string
  algorithm: string
  canonicalization: string
  signedHeaders: string[]
}

export type SignatureParse =
  | { ok: true; signature: ParsedSignature }
  | { ok: false; failure: SignatureFailure }

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/i

/** A domain or selector: dot-separated labels of letters, digits, "-" and "_". */
function checkName(
  kind: 'd=' | 's=',
  raw: string,
): { ok: true; name: string } | { ok: false; reason: string } {
  if (raw === '') return { ok: false, reason: `${kind} is empty` }
  if (raw.includes('\u0000')) return { ok: false, reason: `${kind} contains a NUL byte` }
  let name = raw
  if (kind === 'd=' && /[\u0080-\u00ff]/.test(raw)) {
    // RFC 8616 3: U-labels are converted to A-labels for the key query. The latin1 text is UTF-8.
    const ascii = domainToASCII(Buffer.from(raw, 'latin1').toString('utf8'))
    if (!ascii) return { ok: false, reason: `${kind} is not a valid internationalized domain name` }
    name = ascii
  }
  if (name.endsWith('.')) return { ok: false, reason: `${kind} ends with a dot` }
  const labels = name.split('.')
  const bad = labels.find((label) => !LABEL.test(label))
  if (bad !== undefined)
    return { ok: false, reason: `${kind} "${raw.slice(0, 80)}" has an invalid label "${bad.slice(0, 40)}"` }
  if (name.length > 253) return { ok: false, reason: `${kind} is longer than a domain name can be` }
  return { ok: true, name: name.toLowerCase() }
}

const ALGORITHMS: Record<string, { keyType: KeyType; hash: HashName }> = {
  'rsa-sha256': { keyType: 'rsa', hash: 'sha256' },
  'rsa-sha1': { keyType: 'rsa', hash: 'sha1' },
  'ed25519-sha256': { keyType: 'ed25519', hash: 'sha256' },
}

const HASH_BYTES: Record<HashName, number> = { sha256: 32, sha1: 20 }

/** d= within i=: the same domain or a subdomain. */
export function isSubdomainOf(child: string, parent: string): boolean {
  return child === parent || child.endsWith(`.${parent}`)
}

type Failed = Extract<SignatureParse, { ok: false }>

/** A signature that cannot be checked: why, and what of its tags can be shown (bounded). */
function failure(
  reason: string,
  tags?: Map<string, Tag>,
  id: SignatureFailureId = 'signature-malformed',
): Failed {
  const get = (name: string) => tags?.get(name)?.value ?? ''
  const c = get('c')
  return {
    ok: false,
    failure: {
      id,
      reason,
      domain: get('d').toLowerCase().slice(0, MAX_SHOWN_NAME),
      selector: get('s').toLowerCase().slice(0, MAX_SHOWN_NAME),
      algorithm: get('a').slice(0, MAX_SHOWN_ALGORITHM),
      canonicalization: c === '' ? (tags ? 'simple/simple' : '') : c.includes('/') ? c : `${c}/simple`,
      signedHeaders: get('h')
        ? stripFws(get('h'))
            .split(':')
            .map((h) => h.toLowerCase())
            .slice(0, MAX_SHOWN_SIGNED_HEADERS)
        : [],
    },
  }
}

interface OptionalTags {
  ok: true
  bodyLength: number | null
  signedAt: number | null
  expiresAt: number | null
}

/** l=, q=, t= and x=: each may be absent, and each present one must be valid. */
function optionalTags(tags: Map<string, Tag>): OptionalTags | Failed {
  const get = (name: string) => tags.get(name)?.value ?? ''
  let bodyLength: number | null = null
  if (tags.has('l')) {
    if (!/^[0-9]{1,76}$/.test(get('l'))) return failure(`l=${get('l').slice(0, 20)} is not a number.`, tags)
    bodyLength = Number(get('l'))
    if (!Number.isSafeInteger(bodyLength)) return failure('l= is larger than any message.', tags)
  }

  if (tags.has('q')) {
    const methods = stripFws(get('q')).toLowerCase().split(':')
    if (!methods.some((m) => m === 'dns/txt' || m === 'dns'))
      return failure(
        `q=${get('q').slice(0, 40)} names no query method this verifier supports (dns/txt).`,
        tags,
      )
  }

  const time = (name: 't' | 'x'): number | null | 'bad' => {
    if (!tags.has(name)) return null
    const text = get(name)
    if (!/^[0-9]{1,12}$/.test(text)) return 'bad'
    return Number(text)
  }
  const signedAt = time('t')
  if (signedAt === 'bad') return failure(`t=${get('t').slice(0, 20)} is not a timestamp.`, tags)
  const expiresAt = time('x')
  if (expiresAt === 'bad') return failure(`x=${get('x').slice(0, 20)} is not a timestamp.`, tags)
  if (signedAt !== null && expiresAt !== null && expiresAt < signedAt)
    return failure('x= (expiry) is earlier than t= (signing time) (RFC 6376 3.5).', tags)
  return { ok: true, bodyLength, signedAt, expiresAt }
}

export function parseSignatureValue(value: string): SignatureParse {
  const parsed = parseTagList(value)
  if (!parsed.ok) return failure(`Malformed tag list: ${parsed.reason}.`)
  const tags = parsed.tags
  for (const required of ['v', 'a', 'b', 'bh', 'd', 'h', 's'])
    if (!tags.has(required)) return failure(`The required tag ${required}= is missing.`, tags)
  const get = (name: string) => tags.get(name)?.value ?? ''
  if (get('v') !== '1')
    return failure(`v=${get('v').slice(0, 20)} is not a DKIM version this verifier knows (v=1).`, tags)

  const algorithm = get('a').toLowerCase()
  const alg = ALGORITHMS[algorithm]
  if (!alg) return failure(`Unknown signing algorithm a=${get('a').slice(0, 40)}.`, tags)

  const c = get('c') === '' ? 'simple/simple' : get('c').toLowerCase()
  const [hc, bc = 'simple', extra] = c.split('/')
  if (extra !== undefined || (hc !== 'simple' && hc !== 'relaxed') || (bc !== 'simple' && bc !== 'relaxed'))
    return failure(`Unknown canonicalization c=${get('c').slice(0, 40)}.`, tags)

  const domain = checkName('d=', get('d'))
  if (!domain.ok) return failure(`Invalid signing domain: ${domain.reason}.`, tags)
  const selector = checkName('s=', get('s'))
  if (!selector.ok) return failure(`Invalid selector: ${selector.reason}.`, tags)

  const headerList = stripFws(get('h'))
  if (headerList === '') return failure('h= lists no header fields.', tags)
  const signedHeaders = headerList.split(':').map((h) => h.toLowerCase())
  if (signedHeaders.some((h) => !/^[\x21-\x39\x3b-\x7e]+$/.test(h)))
    return failure('h= contains an empty or invalid header field name.', tags)
  if (!signedHeaders.includes('from'))
    return failure(
      'h= does not include From, which RFC 6376 5.4 requires to be signed.',
      tags,
      'from-not-signed',
    )

  let identity: string | null = null
  let identityDomain = domain.name
  if (tags.has('i')) {
    identity = get('i')
    const at = identity.lastIndexOf('@')
    // RFC 6376 3.5: i= is [Local-part] "@" domain-name; a bad one is a bad identity, as a foreign one is.
    if (at < 0)
      return failure(`i=${identity.slice(0, 80)} has no "@" (RFC 6376 3.5).`, tags, 'identity-invalid')
    const idDomain = checkName('d=', identity.slice(at + 1))
    if (!idDomain.ok) return failure(`i= has an invalid domain.`, tags, 'identity-invalid')
    identityDomain = idDomain.name
    if (!isSubdomainOf(identityDomain, domain.name))
      return failure(
        `The identity i=${identity.slice(0, 80)} is not in the signing domain ${domain.name} (RFC 6376 3.5).`,
        tags,
        'identity-invalid',
      )
  }

  const optional = optionalTags(tags)
  if (!optional.ok) return optional
  const { bodyLength, signedAt, expiresAt } = optional

  const bodyHash = decodeBase64Strict(get('bh'))
  if (!bodyHash || bodyHash.length === 0) return failure('bh= (the body hash) is not valid base64.', tags)
  if (bodyHash.length !== HASH_BYTES[alg.hash])
    return failure(`bh= has ${bodyHash.length} bytes; ${alg.hash} hashes have ${HASH_BYTES[alg.hash]}.`, tags)
  const signature = decodeBase64Strict(get('b'))
  if (!signature || signature.length === 0) return failure('b= (the signature) is not valid base64.', tags)

  return {
    ok: true,
    signature: {
      algorithm,
      keyType: alg.keyType,
      hash: alg.hash,
      headerCanon: hc,
      bodyCanon: bc,
      domain: domain.name,
      selector: selector.name,
      signedHeaders,
      identity,
      identityDomain,
      bodyLength,
      signedAt,
      expiresAt,
      bodyHash,
      bodyHashText: stripFws(get('bh')),
      signature,
      bTag: tags.get('b') as Tag,
    },
  }
}
