// MX shapes the shared lab DNS does not publish (a null MX, an alias, an IP address, a mixed null
// MX, more hosts than are probed, an MX the MTA-STS policy does not cover), from a private dnsmasq
// this file starts and stops. Its names point at the lab's real Exim (port 25) and nginx (the
// MTA-STS policy of lab.test, lab CA), so every probe and fetch is real; the lab is not changed.
import { type ChildProcess, spawn } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from '../../../e2e/lab/lab.js'
import { createResolver } from '../../dns/resolver.js'
import { loadTrust } from '../../probe/tls/trust.js'
import { checkMx, MX_HOSTS_PROBED, type MxCheckOptions, mxCheckFindings } from './mx.js'

let lab: Lab
let options: MxCheckOptions
let dnsmasq: ChildProcess | null = null
let dir = ''

const MANY = MX_HOSTS_PROBED + 2

function zone(lab: Lab): string[] {
  const exim = lab.good.exim.address
  return [
    'no-resolv',
    'no-hosts',
    'no-poll',
    'no-negcache',
    'keep-in-foreground',
    'bind-interfaces',
    'listen-address=127.0.0.1',
    // Only these names; nothing is forwarded anywhere.
    'local=/lab.test/',
    'local=/mx.test/',
    `host-record=mail.lab.test,${exim}`,
    `host-record=smtp.lab.test,${exim}`,
    `host-record=mta-sts.lab.test,${lab.web.address}`,
    // lab.test as the lab has it, plus a backup MX that is an alias and is not in the policy.
    'mx-host=lab.test,mail.lab.test,10',
    'mx-host=lab.test,backup.lab.test,20',
    'cname=backup.lab.test,smtp.lab.test',
    'txt-record=_mta-sts.lab.test,"v=STSv1; id=20260101000000Z"',
    'mx-host=nullmx.mx.test,.,0',
    'mx-host=mixed.mx.test,.,0',
    'mx-host=mixed.mx.test,mail.lab.test,10',
    `mx-host=iplit.mx.test,${exim},10`,
    ...Array.from({ length: MANY }, (_, i) => [
      `mx-host=many.mx.test,m${i}.many.mx.test,${10 + i}`,
      `host-record=m${i}.many.mx.test,${exim}`,
    ]).flat(),
  ]
}

/** A UDP port free now on 127.0.0.1 (dnsmasq takes the same TCP port; a clash fails loudly below). */
async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** Waits until the server answers (dnsmasq binds within milliseconds), at most 5 s. */
async function answering(server: string, said: () => string): Promise<void> {
  const resolver = createResolver({ server, timeoutMs: 300 })
  const until = Date.now() + 5000
  for (;;) {
    try {
      await resolver.mx('lab.test')
      return
    } catch (error) {
      if (Date.now() > until || dnsmasq?.exitCode != null)
        throw new Error(`the private dnsmasq at ${server} does not answer (${error}); it said: ${said()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

beforeAll(async () => {
  lab = getLab()
  const port = await freePort()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailwarden-mx-zones-'))
  const conf = path.join(dir, 'dnsmasq.conf')
  fs.writeFileSync(conf, [`port=${port}`, ...zone(lab), ''].join('\n'))
  dnsmasq = spawn(
    '/usr/sbin/dnsmasq',
    [`--conf-file=${conf}`, ...(process.getuid?.() === 0 ? ['--user=root'] : [])],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  // Its complaint (a port taken, a bad line) is kept for the error, at most 2 KB of it.
  let stderr = ''
  dnsmasq.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 2048) stderr += chunk.toString('utf8')
  })
  const server = `127.0.0.1:${port}`
  await answering(server, () => stderr.slice(0, 2048) || 'nothing')
  options = {
    resolver: createResolver({ server, timeoutMs: 4000 }),
    trust: await loadTrust(lab.caPath),
    timeoutMs: 4000,
  }
}, 15_000)

afterAll(() => {
  dnsmasq?.kill('SIGTERM')
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const ids = (findings: readonly { id: string }[]) => findings.map((f) => f.id)

describe('checkMx on MX shapes of a private zone', () => {
  it('flags a backup MX that is an alias and that the enforced MTA-STS policy does not cover', async () => {
    const check = await checkMx('lab.test', options)
    expect(check.kind).toBe('mx')
    expect(check.hosts.map((h) => [h.name, h.preference])).toEqual([
      ['mail.lab.test', 10],
      ['backup.lab.test', 20],
    ])
    const [mail, backup] = check.hosts
    expect(mail).toMatchObject({ cname: null, mtaSts: { pattern: 'mail.lab.test' }, findings: [] })
    expect(backup).toMatchObject({ cname: 'smtp.lab.test', mtaSts: { pattern: null }, notProbed: null })
    expect(backup?.findings).toMatchObject([{ id: 'mx-cname', severity: 'warn' }])
    // Probed under its MX name, as a sender would: the certificate names mail. and smtp., not backup.
    expect(backup?.endpoint?.security).toBe('starttls')
    expect(ids(backup?.endpoint?.findings ?? [])).toContain('cert-wrong-host')
    expect(mail?.endpoint?.findings.filter((f) => f.severity !== 'info')).toEqual([])
    const mismatch = check.mtaSts?.findings.find((f) => f.id === 'mta-sts-mx-mismatch')
    expect(mismatch).toMatchObject({ severity: 'bad' })
    expect(mismatch?.detail).toContain('backup.lab.test')
    const listed = mxCheckFindings(check).map((f) => `${f.subject}: ${f.finding.id}`)
    expect(listed).toContain('MX backup.lab.test: mx-cname')
    expect(listed).toContain('backup.lab.test:25: cert-wrong-host')
    expect(listed).toContain('MTA-STS of lab.test: mta-sts-mx-mismatch')
  })

  it('says a null MX accepts no mail and probes nothing', async () => {
    const check = await checkMx('nullmx.mx.test', options)
    expect(check).toMatchObject({
      kind: 'null',
      records: [{ preference: 0, exchange: '' }],
      hosts: [],
      mtaSts: null,
      tlsRpt: null,
    })
    expect(check.findings).toMatchObject([{ id: 'mx-null', severity: 'info' }])
  })

  it('warns of a null MX next to a real MX, and checks the real one', async () => {
    const check = await checkMx('mixed.mx.test', options)
    expect(check.kind).toBe('mx')
    expect(ids(check.findings)).toEqual(['mx-null-with-others'])
    expect(check.hosts.map((h) => h.name)).toEqual(['mail.lab.test'])
    expect(check.hosts[0]?.endpoint?.security).toBe('starttls')
  })

  it('does not probe an MX that is an IP address, and says why', async () => {
    const check = await checkMx('iplit.mx.test', options)
    expect(check.hosts).toMatchObject([
      { name: lab.good.exim.address, target: 'ip-literal', endpoint: null, mtaSts: null },
    ])
    expect(check.hosts[0]?.notProbed).toMatch(/IP address/)
    expect(ids(check.hosts[0]?.findings ?? [])).toEqual(['mx-ip-literal'])
  })

  it(`probes the first ${MX_HOSTS_PROBED} of ${MANY} MX hosts, in preference order, and notes the rest`, async () => {
    const check = await checkMx('many.mx.test', options)
    expect(check.hosts).toHaveLength(MANY)
    const probed = check.hosts.filter((h) => h.endpoint !== null).map((h) => h.name)
    expect(probed).toEqual(Array.from({ length: MX_HOSTS_PROBED }, (_, i) => `m${i}.many.mx.test`))
    expect(check.hosts.slice(MX_HOSTS_PROBED).every((h) => h.notProbed !== null)).toBe(true)
    expect(check.notes).toEqual([
      `${MANY} MX hosts; the first ${MX_HOSTS_PROBED} by preference were probed on port 25.`,
    ])
    // All on one Exim: the per-host limiter kept them from arriving as one burst, and each answered.
    for (const h of check.hosts.slice(0, MX_HOSTS_PROBED))
      expect(h.endpoint?.security, h.name).toBe('starttls')
  }, 30_000)
})
