// Where public keys come from: DNS (the one resolver of core/dns), a key file for offline or
// archived keys, a per-run cache so each name is fetched once, and a key store that remembers
// each key seen (old mail re-verifies after a rotation; a changed key is pointed out).
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import {
  cachedOrganizationalDomains,
  type OrganizationalDomainAnswer,
  organizationalDomainByWalk,
} from '../dmarc/organizational-domain.js'
import { DnsError, type DnsFailure, type Resolver } from '../dns/resolver.js'
import { writeFileAtomic } from '../settings/atomic-write.js'
import { MAX_KEY_FILE_BYTES, MAX_KEY_RECORDS, MAX_STORED_KEYS } from './limits.js'

export type KeyLookup =
  | {
      kind: 'found'
      records: string[] /** set when the records did not come from `description` itself */
      via?: string
    }
  /** `from`: where the answer "no key" came from (a key file says nothing about DNS). */
  | { kind: 'none'; from?: 'key-file' }
  /** `dns`: what kind of DNS failure, when it was one (a refusal is no temporary error). */
  | { kind: 'temperror'; reason: string; dns?: DnsFailure }

export interface KeySource {
  /** For reports: "system resolver", "DNS server 127.0.10.53:53", "key file". */
  readonly description: string
  /** `name` is "selector._domainkey.domain" (A-labels, lower case). */
  lookup(name: string): Promise<KeyLookup>
  /**
   * The Organizational Domain of a name by the RFC 9989 DNS Tree Walk, for relaxed alignment.
   * Only a source that may ask DNS has it; without it alignment uses the Public Suffix List.
   */
  organizationalDomain?(domain: string): Promise<OrganizationalDomainAnswer>
}

/** What the verifier tells a key store after checking a signature with a key it returned. */
export interface KeyObservation {
  name: string
  record: string
  /** When the message was sent (its signature t= or Received time), for first/last seen. */
  seenAt: Date
}

/** A key source that learns: the verifier reports each key that verified a signature. */
export interface LearningKeySource extends KeySource {
  /** The remembered key for `name` differs from `record` (the domain rotated or changed its key). */
  changedFrom(name: string, record: string): StoredKey | null
  remember(observation: KeyObservation): void
  /** Writes what was learnt (atomic); a no-op when nothing changed. */
  save(): Promise<void>
}

export function isLearning(source: KeySource): source is LearningKeySource {
  return typeof (source as Partial<LearningKeySource>).remember === 'function'
}

export function dnsKeySource(resolver: Resolver): KeySource {
  return {
    description: resolver.description,
    organizationalDomain: (domain) => organizationalDomainByWalk(domain, resolver),
    async lookup(name) {
      try {
        const records = await resolver.txt(name)
        if (records.length === 0) return { kind: 'none' }
        return { kind: 'found', records: records.slice(0, MAX_KEY_RECORDS) }
      } catch (error) {
        if (error instanceof DnsError) {
          if (error.kind === 'not-found' || error.kind === 'no-data') return { kind: 'none' }
          return { kind: 'temperror', reason: error.message, dns: error.kind }
        }
        return { kind: 'temperror', reason: error instanceof Error ? error.message : String(error) }
      }
    },
  }
}

/** Lines of "NAME TXT-VALUE" (as e2e/corpus/dkim-real/keys.txt); blank lines and # comments skipped. */
export function parseKeyFile(text: string): Map<string, string[]> {
  if (text.length > MAX_KEY_FILE_BYTES)
    throw new Error(`The key file is larger than ${MAX_KEY_FILE_BYTES} bytes.`)
  const keys = new Map<string, string[]>()
  let lineNumber = 0
  for (const raw of text.split(/\r?\n/)) {
    lineNumber++
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const space = line.search(/\s/)
    if (space < 0)
      throw new Error(`Line ${lineNumber} of the key file has a name but no record ("NAME TXT-VALUE").`)
    const name = line.slice(0, space).toLowerCase().replace(/\.$/, '')
    let value = line.slice(space).trim()
    // Tolerate a zone-file style quoted value: "v=DKIM1; " "p=..." (strings joined, RFC 6376 3.6.2.2).
    if (value.startsWith('"')) value = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('')
    const list = keys.get(name) ?? []
    list.push(value)
    keys.set(name, list)
  }
  return keys
}

export function keyFileSource(text: string): KeySource {
  const keys = parseKeyFile(text)
  return {
    description: 'key file',
    async lookup(name) {
      const records = keys.get(name.toLowerCase())
      return records
        ? { kind: 'found', records: records.slice(0, MAX_KEY_RECORDS) }
        : { kind: 'none', from: 'key-file' }
    },
  }
}

/**
 * Each name is looked up once per run, and each Organizational Domain walked once per run;
 * concurrent callers share the same promise.
 */
export function cachedKeySource<S extends KeySource>(inner: S): S {
  const cache = new Map<string, Promise<KeyLookup>>()
  const cached = Object.create(inner) as S
  Object.defineProperty(cached, 'lookup', {
    value: (name: string) => {
      const key = name.toLowerCase()
      let found = cache.get(key)
      if (!found) {
        found = inner.lookup(key)
        cache.set(key, found)
      }
      return found
    },
  })
  if (inner.organizationalDomain)
    Object.defineProperty(cached, 'organizationalDomain', {
      value: cachedOrganizationalDomains(inner.organizationalDomain.bind(inner)),
    })
  return cached
}

export interface StoredKey {
  record: string
  firstSeen: string
  lastSeen: string
}

interface StoreFile {
  version: 1
  keys: Record<string, StoredKey[]>
}

export const KEY_STORE_FILE = 'dkim-keys.json'

function sameKey(a: string, b: string): boolean {
  const p = (record: string) => /(?:^|;)\s*p\s*=([^;]*)/i.exec(record)?.[1]?.replace(/\s+/g, '') ?? record
  return p(a) === p(b)
}

/**
 * Remembers every key that verified a signature, with when it was first and last seen (the
 * message's dates), in `configDir/dkim-keys.json`. When `inner` has no key for a name, the newest
 * remembered key is returned (with `via` saying so), so old mail verifies after a rotation.
 */
export function keyStore(configDir: string, inner: KeySource): LearningKeySource {
  const file = path.join(configDir, KEY_STORE_FILE)
  let loaded: Promise<StoreFile> | null = null
  let dirty = false
  let data: StoreFile = { version: 1, keys: {} }

  const load = () => {
    loaded ??= readFile(file, 'utf8')
      .then((text) => {
        const parsed = JSON.parse(text) as Partial<StoreFile>
        if (parsed && parsed.version === 1 && parsed.keys && typeof parsed.keys === 'object')
          data = parsed as StoreFile
        return data
      })
      // A missing or corrupt store is an empty one: it is a cache of public data, never a secret.
      .catch(() => data)
    return loaded
  }

  return {
    description: inner.description,
    // The store remembers keys, not Organizational Domains: those come from the inner source.
    ...(inner.organizationalDomain ? { organizationalDomain: inner.organizationalDomain.bind(inner) } : {}),
    async lookup(name) {
      const [found, store] = await Promise.all([inner.lookup(name), load()])
      if (found.kind !== 'none') return found
      const remembered = store.keys[name.toLowerCase()]
      if (!remembered || remembered.length === 0) return found
      const newest = [...remembered].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))[0]
      if (!newest) return found
      return {
        kind: 'found',
        records: [newest.record],
        via: `key store (seen ${newest.firstSeen.slice(0, 10)} to ${newest.lastSeen.slice(0, 10)}; ${inner.description} has none now)`,
      }
    },
    changedFrom(name, record) {
      const remembered = data.keys[name.toLowerCase()]
      if (!remembered || remembered.length === 0) return null
      if (remembered.some((entry) => sameKey(entry.record, record))) return null
      return [...remembered].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))[0] ?? null
    },
    remember({ name, record, seenAt }) {
      const key = name.toLowerCase()
      const when = Number.isNaN(seenAt.getTime()) ? new Date().toISOString() : seenAt.toISOString()
      const list = data.keys[key] ?? []
      const entry = list.find((candidate) => sameKey(candidate.record, record))
      if (entry) {
        if (when < entry.firstSeen) entry.firstSeen = when
        if (when > entry.lastSeen) entry.lastSeen = when
        else if (when >= entry.firstSeen) return
      } else list.push({ record, firstSeen: when, lastSeen: when })
      data.keys[key] = list
      dirty = true
      const names = Object.keys(data.keys)
      if (names.length > MAX_STORED_KEYS) {
        const byAge = names.sort((a, b) =>
          newestSeen(data.keys[a] ?? []).localeCompare(newestSeen(data.keys[b] ?? [])),
        )
        for (const old of byAge.slice(0, names.length - MAX_STORED_KEYS)) delete data.keys[old]
      }
    },
    async save() {
      if (!dirty) return
      await mkdir(configDir, { recursive: true })
      await writeFileAtomic(file, `${JSON.stringify(data, null, 1)}\n`)
      dirty = false
    },
  }
}

function newestSeen(list: StoredKey[]): string {
  let max = ''
  for (const entry of list) if (entry.lastSeen > max) max = entry.lastSeen
  return max
}
