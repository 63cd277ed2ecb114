// Which CAs the probe trusts: the operating system's store, not Node's bundled roots (issue 13).
// A real IMAP server with implicit TLS on loopback, its certificate from a CA that exists only in a
// temporary "OS store" file: trusted through that store, and the report says which store it was.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import tls from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createResolver } from '../../dns/resolver.js'
import { makeTlsMaterial, type TlsMaterial } from '../../net/test-support/tls-material.js'
import { SYSTEM_CA_FILE_ENV, SYSTEM_CA_FILES, systemTrustStore } from '../../net/trust-store.js'
import { probe } from '../run.js'
import { CaFileError, loadTrust, readCaFile } from './trust.js'

let material: TlsMaterial
let store: string
let server: tls.Server
let port: number

beforeAll(async () => {
  material = makeTlsMaterial('Company Root CA')
  // The "OS store": one public root (as a real store has many) and the company CA.
  store = path.join(material.dir, 'os-store.pem')
  writeFileSync(store, `${tls.rootCertificates[0]}\n${material.caPem}`)
  server = tls.createServer({ key: material.key, cert: material.cert }, (socket) => {
    socket.on('error', () => {})
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n')
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
        const [tag, command] = line.split(' ')
        if (command?.toUpperCase() === 'CAPABILITY')
          socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`)
        else socket.end(`* BYE\r\n${tag} OK bye\r\n`)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  material.remove()
})

afterEach(() => {
  delete process.env[SYSTEM_CA_FILE_ENV]
})

const options = {
  resolver: createResolver(),
  caFile: null,
  timeoutMs: 3_000,
  client: 'thunderbird' as const,
  ispdbUrl: null,
}

describe('the system trust store', () => {
  it('trusts a server whose CA is only in the OS store, and says which store it used', async () => {
    process.env[SYSTEM_CA_FILE_ENV] = store
    const report = await probe({ targets: [`imaps://127.0.0.1:${port}`], servers: [], ports: [] }, options)
    const [e] = report.endpoints
    expect(e?.security).toBe('implicit-tls')
    expect(e?.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true })
    expect(e?.verdict).toBe('good')
    expect(report.trustStore).toMatchObject({ kind: 'os-file', location: store, certificates: 2, note: null })
    expect(report.trustedAgainst).toBe(`the system trust store (${store}, 2 CAs)`)
    expect(e?.tls?.trustedAgainst).toBe(report.trustedAgainst)
  })

  it('without it (Node’s bundled roots only) the same server is not trusted', async () => {
    process.env[SYSTEM_CA_FILE_ENV] = path.join(material.dir, 'missing.pem')
    const report = await probe({ targets: [`imaps://127.0.0.1:${port}`], servers: [], ports: [] }, options)
    expect(report.endpoints[0]?.tls?.certificate?.trusted).toBe(false)
    expect(report.trustStore.kind).toBe('node-bundled')
    expect(report.notes.join(' ')).toContain('holds no readable certificate')
  })

  it('on Linux reads the distribution’s bundle file, not Node’s copy', async () => {
    const found = await systemTrustStore({ platform: 'linux' })
    const first = SYSTEM_CA_FILES.find((file) => {
      try {
        return readFileSync(file, 'utf8').includes('BEGIN CERTIFICATE')
      } catch {
        return false
      }
    })
    expect(found.kind).toBe(first ? 'os-file' : 'node-bundled')
    expect(found.location).toBe(first ?? null)
    expect(found.description).toContain(first ?? 'bundled with Node')
  })

  it('on macOS and Windows without the runtime’s system store: Node’s roots, and a sentence saying so', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const found = await systemTrustStore({ platform })
      // Node 20 has no tls.getCACertificates; a newer runtime reads the OS store itself.
      if ('getCACertificates' in tls) expect(found.kind).toBe('runtime-system')
      else {
        expect(found.kind).toBe('node-bundled')
        expect(found.note).toMatch(/cannot read the (macOS keychain|Windows certificate store)/)
      }
    }
  })
})

describe('the extra CA file', () => {
  it('is checked: missing, not a file, no certificate, a broken certificate; each a sentence', async () => {
    await expect(readCaFile(path.join(material.dir, 'nope.pem'))).rejects.toThrow(/does not exist/)
    await expect(readCaFile(material.dir)).rejects.toThrow(CaFileError)
    const text = path.join(material.dir, 'notes.txt')
    writeFileSync(text, 'just some text\n')
    await expect(readCaFile(text)).rejects.toThrow(/holds no usable PEM certificate/)
    const broken = path.join(material.dir, 'broken.pem')
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')
    await expect(readCaFile(broken)).rejects.toThrow(/holds no usable PEM certificate/)
    expect((await readCaFile(material.caPath)).certificates).toHaveLength(1)
  })

  it('adds to the system store', async () => {
    process.env[SYSTEM_CA_FILE_ENV] = store
    const trust = await loadTrust(material.caPath)
    expect(trust.description).toBe(`the system trust store (${store}, 2 CAs) + ${material.caPath} (1)`)
    expect(trust.caPems).toHaveLength(3)
  })
})
