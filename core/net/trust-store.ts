// The operating system's trust store, for every TLS connection the engine verifies (the probe,
// its HTTPS fetches, saved-account logins; the tunnel should use it too). Node's default roots are
// the Mozilla list bundled with Node: a company CA installed in the OS is not in it, so behind a
// company proxy every server would look untrusted. In order:
//   1. MAILWARDEN_SYSTEM_CA_FILE (or the `file` option): a PEM file that stands in for the OS
//      store (tests; a system whose store is elsewhere);
//   2. tls.getCACertificates('system') where the runtime has it (Node 22.15+/23.5+, Electron);
//   3. on Linux and other Unix systems, the first of the usual bundle files that exists;
//   4. otherwise Node's bundled roots, with a sentence saying the OS store could not be read.
import { X509Certificate } from 'node:crypto'
import { open } from 'node:fs/promises'
import tls from 'node:tls'
import { MAX_SYSTEM_CA_BYTES, TRUST_STORE_CACHE_MS } from './limits.js'

/** Where each distribution keeps the system bundle (Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, BSD). */
export const SYSTEM_CA_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
] as const

export const SYSTEM_CA_FILE_ENV = 'MAILWARDEN_SYSTEM_CA_FILE'

export type TrustStoreKind = 'runtime-system' | 'os-file' | 'node-bundled'

export interface SystemTrustStore {
  kind: TrustStoreKind
  /** The file read (os-file), else null. */
  location: string | null
  /** PEM texts, for the `ca` option of a TLS connection. */
  pems: string[]
  /** The same, parsed, as anchors for our own chain check (core/net/certificate.ts). */
  anchors: X509Certificate[]
  /** "the system trust store (/etc/ssl/certs/ca-certificates.crt, 144 CAs)". */
  description: string
  /** Why the OS store was not used, when it was not; null otherwise. */
  note: string | null
}

export interface TrustStoreOptions {
  /** A PEM file to use as the OS store; default: MAILWARDEN_SYSTEM_CA_FILE, then the platform's. */
  file?: string | null
  platform?: NodeJS.Platform
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

function parse(pems: readonly string[]): { pems: string[]; anchors: X509Certificate[] } {
  const kept: string[] = []
  const anchors: X509Certificate[] = []
  for (const pem of pems) {
    try {
      anchors.push(new X509Certificate(pem))
      kept.push(pem)
    } catch {
      // A certificate OpenSSL cannot parse is no anchor of ours.
    }
  }
  return { pems: kept, anchors }
}

/** The PEM blocks of a bundle file, or null when it does not exist or is not a usable bundle. */
async function readBundle(file: string): Promise<string[] | null> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(file, 'r')
    const info = await handle.stat()
    if (!info.isFile() || info.size > MAX_SYSTEM_CA_BYTES) return null
    const text = await handle.readFile('utf8')
    const blocks = text.match(PEM_BLOCK) ?? []
    return blocks.length > 0 ? blocks : null
  } catch {
    return null
  } finally {
    await handle?.close()
  }
}

function runtimeSystemCertificates(): string[] | null {
  const get = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates
  if (typeof get !== 'function') return null
  try {
    const found = get('system')
    return found.length > 0 ? found : null
  } catch {
    return null
  }
}

const OS_NAMES: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'the macOS keychain',
  win32: 'the Windows certificate store',
}

/** The OS store as read from a bundle file. */
function fromFile(file: string, blocks: string[]): SystemTrustStore {
  const parsed = parse(blocks)
  return {
    kind: 'os-file',
    location: file,
    ...parsed,
    description: `the system trust store (${file}, ${parsed.anchors.length} CAs)`,
    note: null,
  }
}

/** Node's bundled roots, with the sentence that says why the OS store was not used. */
function nodeBundled(note: string): SystemTrustStore {
  const parsed = parse(tls.rootCertificates)
  return {
    kind: 'node-bundled',
    location: null,
    ...parsed,
    description: `the CAs bundled with Node (${parsed.anchors.length}), not the system trust store`,
    note,
  }
}

async function load(options: TrustStoreOptions): Promise<SystemTrustStore> {
  const platform = options.platform ?? process.platform
  const override = options.file ?? process.env[SYSTEM_CA_FILE_ENV] ?? null
  if (override) {
    const blocks = await readBundle(override)
    return blocks
      ? fromFile(override, blocks)
      : nodeBundled(
          `The trust store file ${override} (${SYSTEM_CA_FILE_ENV}) holds no readable certificate; the CAs bundled with Node were used instead.`,
        )
  }
  const runtime = runtimeSystemCertificates()
  if (runtime) {
    const parsed = parse(runtime)
    return {
      kind: 'runtime-system',
      location: null,
      ...parsed,
      description: `the system trust store (${parsed.anchors.length} CAs)`,
      note: null,
    }
  }
  const os = OS_NAMES[platform]
  if (!os)
    for (const file of SYSTEM_CA_FILES) {
      const blocks = await readBundle(file)
      if (blocks) return fromFile(file, blocks)
    }
  return nodeBundled(
    os
      ? `This runtime cannot read ${os}, so the CAs bundled with Node were used: a CA installed only there (a company CA) is not trusted; add it as an extra CA file.`
      : `No system trust store was found (${SYSTEM_CA_FILES.join(', ')}), so the CAs bundled with Node were used.`,
  )
}

const cache = new Map<string, { until: number; store: Promise<SystemTrustStore> }>()

/** The OS trust store (see the top of this file), read at most every few minutes. */
export function systemTrustStore(options: TrustStoreOptions = {}): Promise<SystemTrustStore> {
  const key = `${options.platform ?? process.platform}\0${options.file ?? process.env[SYSTEM_CA_FILE_ENV] ?? ''}`
  const hit = cache.get(key)
  const now = Date.now()
  if (hit && hit.until > now) return hit.store
  const store = load(options)
  cache.set(key, { until: now + TRUST_STORE_CACHE_MS, store })
  return store
}
