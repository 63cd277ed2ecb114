// The tunnel's TLS local side toward a LAN device, for real: a generated certificate (key in the
// OS keychain, never in settings), implicit TLS used by curl (imaps:// with --cacert and the pin),
// STARTTLS used by Python's imaplib.starttls() and curl, a login before STARTTLS refused in
// protocol, TLS 1.0/1.1 refused by default and accepted only on opt-in (openssl s_client), and the
// LAN allowlist with real source addresses (127.0.0.5 allowed, 127.0.0.6 refused in protocol).
import { randomBytes, X509Certificate } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createResolver } from '../../core/dns/resolver.js'
import { createEngine, type Engine } from '../../core/engine.js'
import { spkiSha256 } from '../../core/net/certificate.js'
import { localTlsSecretName, prepareLocalTls } from '../../core/tunnel/local-tls.js'
import { cachedResolve, trustPolicy } from '../../core/tunnel/runtime.js'
import { Tunnel } from '../../core/tunnel/tunnel.js'
import type { ConnectionRecord, TunnelState } from '../../shared/contract/tunnel.js'
import { TunnelConfig, type TunnelConfigInput } from '../../shared/contract/tunnel-config.js'
import { getLab } from '../lab/lab.js'
import { connectFrom } from './connect-from.js'
import { run, talk, waitForMessage } from './helpers.js'

const lab = getLab()
const { login, password } = lab.user
const PYTHON = '/usr/bin/python3'
let dir: string
let engine: Engine
const stops: (() => Promise<void>)[] = []
const secrets: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-local-tls-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
  await engine.call('settings.update', { dnsServer: lab.dns.server })
})
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()))
  for (const name of secrets) await engine.context.keychain.delete(name).catch(() => false)
  await engine.dispose()
  rmSync(dir, { recursive: true, force: true })
})

interface LocalTunnel {
  port: number
  pin: string
  caFile: string
  records: ConnectionRecord[]
  warnings: string[]
  nextRecord(): Promise<ConnectionRecord>
}

async function open(
  config: Partial<TunnelConfigInput> &
    Pick<TunnelConfigInput, 'upstreamHost' | 'upstreamPort' | 'mode' | 'protocol'>,
): Promise<LocalTunnel> {
  const parsed = TunnelConfig.parse({
    id: `local-tls-test-${randomBytes(4).toString('hex')}`,
    name: 'local tls test',
    listenPort: 0,
    caFile: lab.caPath,
    ...config,
  })
  secrets.push(localTlsSecretName(parsed.id))
  const warnings: string[] = []
  const local = await prepareLocalTls(engine.context.keychain, parsed, (m) => warnings.push(m))
  const records: ConnectionRecord[] = []
  const waiters: ((r: ConnectionRecord) => void)[] = []
  let taken = 0
  const tunnel = new Tunnel(parsed, {
    local,
    trust: await trustPolicy(parsed, null),
    timeoutMs: 5_000,
    localLineTimeoutMs: 3_000,
    resolve: cachedResolve(async () => createResolver({ server: lab.dns.server })),
    onRecord: (record) => {
      records.push(record)
      waiters.shift()?.(record)
    },
    warn: (message) => warnings.push(message),
  })
  const { port } = await tunnel.start()
  stops.push(() => tunnel.stop())
  const caFile = path.join(dir, `${parsed.id}.pem`)
  writeFileSync(caFile, local?.certificate.pem ?? '')
  return {
    port,
    pin: local?.certificate.pin ?? '',
    caFile,
    records,
    warnings,
    nextRecord: () => {
      const ready = records[taken++]
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve))
    },
  }
}

/** openssl s_client with a given protocol version; it logs out after the greeting. */
function sClient(port: number, args: string[]) {
  return run('sh', [
    '-c',
    `(sleep 1; printf 'a LOGOUT\\r\\n'; sleep 1) | openssl s_client -connect 127.0.0.1:${port} ${args.join(' ')} 2>&1`,
  ])
}

const IMAP_STARTTLS = `
import imaplib, ssl, sys
port, cafile, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
imap = imaplib.IMAP4("127.0.0.1", port, timeout=10)
print("BEFORE", " ".join(imap.capabilities))
try:
    imap.login(user, password)
    print("LOGIN IN CLEAR ACCEPTED")
except imaplib.IMAP4.error as error:
    print("REFUSED", error)
imap.starttls(ssl_context=ssl.create_default_context(cafile=cafile))
print("AFTER", " ".join(imap.capabilities))
imap.login(user, password)
imap.select("INBOX", readonly=True)
_, data = imap.search(None, "ALL")
for num in data[0].split():
    _, parts = imap.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    print(parts[0][1].decode().strip())
imap.logout()
`

describe('implicit TLS toward the client', () => {
  it('curl reads mail over imaps:// to the tunnel, trusting the generated certificate or its pin', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      localTls: 'implicit-tls',
    })
    expect(t.warnings.join('\n')).toContain(`pin ${t.pin}`)
    const cert = new X509Certificate(readFileSync(t.caFile))
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(spkiSha256(cert)).toBe(t.pin)
    const url = `imaps://127.0.0.1:${t.port}/INBOX;UID=1`
    const curl = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '--cacert',
      t.caFile,
      '-u',
      `${login}:${password}`,
      url,
    ])
    expect(curl.stderr).toBe('')
    expect(curl.stdout).toContain('Subject: Welcome to the lab')
    const curlPem = `sha256//${t.pin.slice('sha256/'.length)}`
    const pinned = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '-k',
      '--pinnedpubkey',
      curlPem,
      '-u',
      `${login}:${password}`,
      url,
    ])
    expect(pinned.stdout).toContain('Subject: Welcome to the lab')
    // Another pin is refused by curl: the pin really is what the tunnel shows.
    const other = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '-k',
      '--pinnedpubkey',
      `sha256//${'A'.repeat(43)}=`,
      url,
    ])
    expect(other.code).toBe(90)
    // Without the certificate curl refuses the self-signed tunnel.
    const untrusted = await run('curl', ['-sS', '--max-time', '10', url])
    expect(untrusted.code).toBe(60)
    const record = await t.nextRecord()
    expect(record.outcome).toBe('ok')
    expect(record.tls?.version).toMatch(/^TLSv1\.[23]$/)
  })

  it('TLS 1.0 and 1.1 are refused by default and accepted only with the legacy opt-in', async () => {
    const modern = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      localTls: 'implicit-tls',
    })
    const legacy = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      localTls: 'implicit-tls',
      allowLegacyLocalTls: true,
    })
    for (const version of ['-tls1', '-tls1_1']) {
      const refused = await sClient(modern.port, [version, '-cipher', 'DEFAULT:@SECLEVEL=0'])
      expect(refused.stdout, version).not.toContain('* OK')
      expect(refused.stdout, version).toMatch(/alert protocol version|no protocols available|wrong version/i)
      const accepted = await sClient(legacy.port, [
        version,
        '-cipher',
        'DEFAULT:@SECLEVEL=0',
        '-CAfile',
        legacy.caFile,
      ])
      expect(accepted.stdout, version).toContain(`Protocol  : ${version === '-tls1' ? 'TLSv1' : 'TLSv1.1'}`)
      expect(accepted.stdout, version).toContain('Verify return code: 0 (ok)')
      expect(accepted.stdout, version).toContain('* OK')
      expect(accepted.stdout, version).toContain('* BYE')
    }
    // Modern TLS still works on the legacy listener; the upstream side stayed TLS 1.2 or newer.
    const modernClient = await sClient(legacy.port, ['-tls1_2', '-CAfile', legacy.caFile])
    expect(modernClient.stdout).toContain('Protocol  : TLSv1.2')
    const upstream = legacy.records.map((r) => r.tls?.version).filter(Boolean)
    expect(upstream.length).toBeGreaterThan(0)
    for (const version of upstream) expect(version).toMatch(/^TLSv1\.[23]$/)
  })
})

const SMTP_STARTTLS = `
import smtplib, ssl, sys
port, cafile, user, password, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
    smtp.ehlo()
    print("BEFORE", " ".join(smtp.esmtp_features.keys()))
    code, reply = smtp.docmd("AUTH", "PLAIN")
    print("AUTH BEFORE TLS", code, reply.decode())
    smtp.starttls(context=ssl.create_default_context(cafile=cafile))
    smtp.ehlo()
    print("AFTER", " ".join(smtp.esmtp_features.keys()))
    smtp.login(user, password)
    smtp.sendmail(user, [user], f"From: {user}\\r\\nTo: {user}\\r\\nSubject: {subject}\\r\\n\\r\\nthrough local STARTTLS\\r\\n")
    print("SENT")
`

describe('STARTTLS toward the client', () => {
  it('Python smtplib.starttls() through the tunnel to Exim 587 STARTTLS sends a message that arrives; AUTH before it refused', async () => {
    const t = await open({
      upstreamHost: lab.good.exim.host,
      upstreamPort: 587,
      mode: 'starttls',
      protocol: 'smtp',
      localTls: 'starttls',
    })
    const subject = `local STARTTLS ${Date.now()}`
    const py = await run(PYTHON, ['-c', SMTP_STARTTLS, String(t.port), t.caFile, login, password, subject])
    expect(py.stderr).toBe('')
    expect(py.stdout).toMatch(/^BEFORE .*starttls/im)
    expect(py.stdout).not.toMatch(/^BEFORE .*auth/im) // no AUTH offered before TLS
    expect(py.stdout).toMatch(/^AUTH BEFORE TLS 530 /m)
    expect(py.stdout).toMatch(/^AFTER .*auth/im)
    expect(py.stdout).not.toMatch(/^AFTER .*starttls/im)
    expect(py.stdout).toContain('SENT')
    expect(await waitForMessage(subject)).toBe(true)
    const record = await t.nextRecord()
    expect(record.outcome).toBe('ok')
    expect(record.commands.join('\n')).not.toContain(password)
  })

  it('Python imaplib.starttls() through the tunnel to Dovecot 143 STARTTLS; its login in clear refused', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 143,
      mode: 'starttls',
      protocol: 'imap',
      localTls: 'starttls',
    })
    const py = await run(PYTHON, ['-c', IMAP_STARTTLS, String(t.port), t.caFile, login, password])
    expect(py.stderr).toBe('')
    expect(py.stdout).toMatch(/^BEFORE .*STARTTLS/m)
    expect(py.stdout).toMatch(/^BEFORE .*LOGINDISABLED/m)
    expect(py.stdout).toContain('REFUSED')
    expect(py.stdout).toContain('PRIVACYREQUIRED')
    expect(py.stdout).not.toContain('LOGIN IN CLEAR ACCEPTED')
    // After TLS: the server's own capabilities, without STARTTLS or LOGINDISABLED.
    expect(py.stdout).toMatch(/^AFTER .*IMAP4REV1/im)
    expect(py.stdout).not.toMatch(/^AFTER .*(STARTTLS|LOGINDISABLED)/m)
    expect(py.stdout).toContain('Subject: Welcome to the lab')
    const record = await t.nextRecord()
    expect(record.outcome).toBe('ok')
    expect(record.commands.join('\n')).not.toContain(password)
    expect(record.commands.some((c) => /LOGIN \[redacted\]/.test(c))).toBe(true)
  })

  it('curl --ssl-reqd upgrades imap:// and pop3:// to a tunnel whose upstream is implicit TLS', async () => {
    const imap = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      localTls: 'starttls',
    })
    const pop = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 995,
      mode: 'implicit-tls',
      protocol: 'pop3',
      localTls: 'starttls',
    })
    const [a, b] = await Promise.all([
      run('curl', [
        '-sS',
        '--max-time',
        '10',
        '--ssl-reqd',
        '--cacert',
        imap.caFile,
        '-u',
        `${login}:${password}`,
        `imap://127.0.0.1:${imap.port}/INBOX;UID=1`,
      ]),
      run('curl', [
        '-sS',
        '--max-time',
        '10',
        '--ssl-reqd',
        '--cacert',
        pop.caFile,
        '-u',
        `${login}:${password}`,
        `pop3://127.0.0.1:${pop.port}/1`,
      ]),
    ])
    expect(a.stderr).toBe('')
    expect(a.stdout).toContain('Subject: Welcome to the lab')
    expect(b.stderr).toBe('')
    expect(b.stdout).toContain('Subject: Welcome to the lab')
  })

  it('before STARTTLS nothing reaches the server: logins are refused in each protocol', async () => {
    const cases = [
      {
        protocol: 'imap' as const,
        port: 143,
        host: lab.good.dovecot.host,
        lines: ['a CAPABILITY', `b LOGIN ${login} ${password}`, 'c SELECT INBOX', 'd LOGOUT'],
        expected: [
          'STARTTLS LOGINDISABLED',
          'b NO [PRIVACYREQUIRED]',
          'c BAD Must issue STARTTLS first',
          'd OK LOGOUT',
        ],
      },
      {
        protocol: 'pop3' as const,
        port: 110,
        host: lab.good.dovecot.host,
        lines: ['CAPA', `USER ${login}`, `PASS ${password}`, 'QUIT'],
        expected: ['STLS', '-ERR [AUTH] Must issue STLS first', '+OK Bye'],
      },
      {
        protocol: 'smtp' as const,
        port: 587,
        host: lab.good.exim.host,
        lines: ['EHLO device', 'AUTH PLAIN AGFsaWNlAHB3', 'MAIL FROM:<a@lab.test>', 'QUIT'],
        expected: ['250 STARTTLS', '530 5.7.0 Must issue a STARTTLS command first', '221'],
      },
    ]
    for (const c of cases) {
      const t = await open({
        upstreamHost: c.host,
        upstreamPort: c.port,
        mode: 'starttls',
        protocol: c.protocol,
        localTls: 'starttls',
      })
      const said = await talk(t.port, c.lines)
      for (const text of c.expected) expect(said, c.protocol).toContain(text)
      const record = await t.nextRecord()
      // The login the tunnel refused in clear is a refused login, counted (USER is not a login).
      expect(record, c.protocol).toMatchObject({ outcome: 'login-failed', login: 'failed', loginsFailed: 1 })
      // No upstream was opened: the record has no upstream TLS.
      expect(record.tls, c.protocol).toBeNull()
      expect(record.commands.join('\n'), c.protocol).not.toContain(password)
      expect(record.commands.join('\n'), c.protocol).not.toContain('AGFsaWNlAHB3')
    }
  })

  it('bytes sent after STARTTLS before the handshake close the connection', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 143,
      mode: 'starttls',
      protocol: 'imap',
      localTls: 'starttls',
    })
    const said = await talk(t.port, ['a STARTTLS\r\nb LOGIN injected words'])
    expect(said).not.toContain('a OK')
    const record = await t.nextRecord()
    expect(record.outcome).toBe('failed')
    expect(record.error).toMatch(/after STARTTLS before its TLS handshake/)
  })
})

describe('the key lives in the keychain', () => {
  it('tunnel.start generates the certificate; settings hold no key; delete removes it', async () => {
    const create = await engine.call('tunnel.create', {
      name: 'Scanner',
      listenPort: 0,
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      caFile: lab.caPath,
      localTls: 'implicit-tls',
    })
    if (!create.ok) throw new Error(create.error.message)
    const id = (create.value as TunnelState).config.id
    secrets.push(localTlsSecretName(id))
    const started = await engine.call('tunnel.start', { id })
    if (!started.ok) throw new Error(started.error.message)
    const state = started.value as TunnelState
    expect(state.localCertificate?.pin).toMatch(/^sha256\//)
    expect(state.localCertificate?.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    const stored = await engine.context.keychain.get(localTlsSecretName(id))
    expect(stored).toContain('PRIVATE KEY')
    const key = JSON.parse(stored ?? '{}').keyPem as string
    const keyBody = key.split('\n')[1] ?? 'missing'
    const files = readdirSync(dir).filter((name) => name.endsWith('.json'))
    expect(files.length).toBeGreaterThan(0)
    for (const name of files) {
      const text = readFileSync(path.join(dir, name), 'utf8')
      expect(text, name).not.toContain('PRIVATE KEY')
      expect(text, name).not.toContain(keyBody)
    }
    // Stopped and started again: the same certificate (the device keeps trusting it).
    await engine.call('tunnel.stop', { id })
    const again = await engine.call('tunnel.start', { id })
    expect(again.ok && (again.value as TunnelState).localCertificate?.pin).toBe(state.localCertificate?.pin)
    const curl = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '-k',
      '--pinnedpubkey',
      `sha256//${state.localCertificate?.pin.slice('sha256/'.length)}`,
      '-u',
      `${login}:${password}`,
      `imaps://127.0.0.1:${(again.ok && (again.value as TunnelState).listening?.port) || 0}/INBOX;UID=1`,
    ])
    expect(curl.stdout).toContain('Subject: Welcome to the lab')
    await engine.call('tunnel.delete', { id })
    expect(await engine.context.keychain.get(localTlsSecretName(id))).toBeNull()
  })
})

describe('LAN allowlist with real source addresses', () => {
  it('on 0.0.0.0, 127.0.0.5 (listed) gets through; 127.0.0.6 is refused in protocol and logged', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      listenHost: '0.0.0.0',
      allowLan: true,
      allowedClients: ['127.0.0.5'],
    })
    const allowed = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '--interface',
      '127.0.0.5',
      '-u',
      `${login}:${password}`,
      `imap://127.0.0.1:${t.port}/INBOX;UID=1`,
    ])
    expect(allowed.stderr).toBe('')
    expect(allowed.stdout).toContain('Subject: Welcome to the lab')
    const first = await t.nextRecord()
    expect(first.client).toMatch(/^127\.0\.0\.5:/)
    expect(first.outcome).toBe('ok')

    const refused = await connectFrom('127.0.0.6', t.port)
    expect(refused).toMatch(
      /^\* BYE \[UNAVAILABLE\] Mailwarden tunnel: This client address is not on the tunnel's allowlist\.\r\n$/,
    )
    const second = await t.nextRecord()
    expect(second).toMatchObject({ outcome: 'rejected', bytesFromClient: 0 })
    expect(second.client).toMatch(/^127\.0\.0\.6:/)
    expect(t.warnings.some((w) => w.startsWith('127.0.0.6:') && w.includes('allowlist'))).toBe(true)
  })
})
