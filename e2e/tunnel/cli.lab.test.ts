// `mailwarden tunnel` as a user runs it: one line when ready, curl through it, a redacted
// connection record on stderr, a clean stop on the signal; usage errors and a taken port; the
// local certificates of a --config file found again after a restart with the tunnels reordered
// (that test needs the OS keychain: run in a keychain session, see docs/tunnel.md).
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliTunnelId } from '../../core/cli/commands/tunnel-id.js'
import { runCli } from '../../core/cli/main.js'
import { createEngine } from '../../core/engine.js'
import { openSystemKeychain } from '../../core/keychain/keychain.js'
import { localTlsSecretName } from '../../core/tunnel/local-tls.js'
import { getLab } from '../lab/lab.js'
import { connectFrom } from './connect-from.js'
import { run } from './helpers.js'

const lab = getLab()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-tunnel-cli-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function cli(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  let stop: (signal: string) => void = () => {}
  const stopSignal = new Promise<string>((resolve) => {
    stop = resolve
  })
  let ready: (line: string) => void = () => {}
  const firstLine = new Promise<string>((resolve) => {
    ready = resolve
  })
  const exit = runCli(['tunnel', ...args], {
    io: {
      out: (text) => {
        out.push(text)
        ready(text)
      },
      err: (text) => err.push(text),
    },
    staticDir: dir,
    stopSignal,
    readStdin: async () => '',
    makeEngine: (shell) => createEngine({ configDir: dir, shell }),
  })
  return { out, err, stop, firstLine, exit }
}

describe('mailwarden tunnel', () => {
  it('prints one line when ready, tunnels curl, logs redacted, stops on the signal', async () => {
    const run1 = cli([
      '--listen',
      '0',
      '--to',
      `${lab.good.dovecot.host}:993`,
      '--tls',
      'implicit-tls',
      '--protocol',
      'imap',
      '--ca',
      lab.caPath,
      '--dns',
      lab.dns.server,
      '--json-log',
    ])
    const line = await Promise.race([
      run1.firstLine,
      run1.exit.then((code) => `exited ${code}: ${run1.err.join(' ')}`),
    ])
    expect(line).toMatch(/^listening on 127\.0\.0\.1:\d+ -> imap\.lab\.test:993 \(implicit-tls, imap\)$/)
    const port = Number(/:(\d+) ->/.exec(line)?.[1])
    const curl = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '-u',
      `${lab.user.login}:${lab.user.password}`,
      `imap://127.0.0.1:${port}/INBOX;UID=1`,
    ])
    expect(curl.stdout).toContain('Subject: Welcome to the lab')
    for (let i = 0; i < 100 && run1.err.length === 0; i++) await new Promise((r) => setTimeout(r, 50))
    const record = JSON.parse(run1.err[0] ?? '{}')
    expect(record).toMatchObject({ outcome: 'ok', upstream: 'imap.lab.test:993' })
    expect(record.commands).toContain('A002 AUTHENTICATE PLAIN [redacted]')
    run1.stop('SIGTERM')
    expect(await run1.exit).toBe(0)
    expect(run1.out).toHaveLength(1)
    // Nothing listens any more.
    await expect(
      new Promise((resolve, reject) =>
        net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject),
      ),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('usage errors exit 2; a port in use exits 3 with a sentence', async () => {
    const bad = cli(['--listen', '1143', '--to', 'nohost', '--tls', 'implicit-tls', '--protocol', 'imap'])
    expect(await bad.exit).toBe(2)
    expect(bad.err.join()).toMatch(/--to must be HOST:PORT/)
    const missing = cli(['--listen', '1143'])
    expect(await missing.exit).toBe(2)
    const server = net.createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const taken = (server.address() as net.AddressInfo).port
    const clash = cli([
      '--listen',
      String(taken),
      '--to',
      'imap.lab.test:993',
      '--tls',
      'implicit-tls',
      '--protocol',
      'imap',
    ])
    expect(await clash.exit).toBe(3)
    expect(clash.err.join()).toMatch(/already in use/)
    server.close()
  })

  it('--config starts several tunnels, one line each (a file with the old spelling "implicit" still reads)', async () => {
    const file = path.join(dir, 'tunnels.json')
    fs.writeFileSync(
      file,
      JSON.stringify({
        tunnels: [
          {
            listen: '127.0.0.1:0',
            to: `${lab.good.dovecot.host}:993`,
            tls: 'implicit',
            protocol: 'imap',
            ca: lab.caPath,
          },
          { listen: '0', to: `${lab.good.exim.host}:587`, tls: 'starttls', protocol: 'smtp', ca: lab.caPath },
        ],
      }),
    )
    const several = cli(['--config', file, '--dns', lab.dns.server])
    for (let i = 0; i < 100 && several.out.length < 2; i++) await new Promise((r) => setTimeout(r, 50))
    expect(several.out).toHaveLength(2)
    expect(several.out[0]).toMatch(/-> imap\.lab\.test:993 \(implicit-tls, imap\)$/)
    expect(several.out[1]).toMatch(/-> smtp\.lab\.test:587 \(starttls, smtp\)$/)
    several.stop('SIGINT')
    expect(await several.exit).toBe(0)
  })

  it('a client refused again and again is one line on stderr with a count, not a line per connection', async () => {
    const file = path.join(dir, 'lan.json')
    const entry = {
      listen: '0.0.0.0:0',
      to: `${lab.good.dovecot.host}:993`,
      tls: 'implicit-tls',
      protocol: 'imap',
      ca: lab.caPath,
      allowLan: true,
      allowedClients: ['127.0.0.5'],
    }
    for (const jsonLog of [false, true]) {
      fs.writeFileSync(file, JSON.stringify({ tunnels: [entry] }))
      const tunnel = cli(['--config', file, '--dns', lab.dns.server, ...(jsonLog ? ['--json-log'] : [])])
      const port = Number(/:(\d+) ->/.exec(await tunnel.firstLine)?.[1])
      // Ten connections from an address not on the allowlist, each told and closed.
      for (let i = 0; i < 10; i++) expect(await connectFrom('127.0.0.6', port)).toMatch(/allowlist/)
      tunnel.stop('SIGINT')
      expect(await tunnel.exit).toBe(0)
      const refusals = tunnel.err.filter((line) => line.includes('127.0.0.6'))
      // The first refusal (its warning and its record), then at the stop the nine held back: three
      // lines for ten connections.
      expect(refusals).toHaveLength(3)
      expect(refusals.filter((line) => line.includes('allowlist'))).toHaveLength(2)
      expect(refusals[2]).toMatch(/refused 9 more times/)
      // With --json-log every one is a JSON line: the record, and {"tunnel", "warning"} for the rest.
      if (jsonLog) {
        const parsed = refusals.map((line) => JSON.parse(line) as { outcome?: string; warning?: string })
        expect(parsed.filter((p) => p.outcome === 'rejected')).toHaveLength(1)
        expect(parsed.filter((p) => typeof p.warning === 'string')).toHaveLength(2)
      }
    }
  })

  it('a restart finds each local certificate again though the --config file lists the tunnels in another order', async () => {
    const imap = {
      listen: '127.0.0.1:0',
      to: `${lab.good.dovecot.host}:993`,
      tls: 'implicit-tls',
      protocol: 'imap',
      ca: lab.caPath,
      localTls: 'implicit-tls',
    }
    const pop3 = { ...imap, to: `${lab.good.dovecot.host}:995`, protocol: 'pop3' }
    const keychain = openSystemKeychain()
    const secrets = [993, 995].map((upstreamPort) =>
      localTlsSecretName(
        cliTunnelId({
          listenHost: '127.0.0.1',
          listenPort: 0,
          upstreamHost: lab.good.dovecot.host,
          upstreamPort,
        }),
      ),
    )
    // An entry as earlier versions named it (by place) is left alone; the tester's own is restored.
    const oldName = localTlsSecretName('cli-1')
    const oldValue = await keychain.get(oldName)
    await keychain.set(oldName, 'an earlier version’s certificate')
    for (const name of secrets) await keychain.delete(name)
    try {
      const pins = async (tunnels: object[]) => {
        const file = path.join(dir, 'local-tls-tunnels.json')
        fs.writeFileSync(file, JSON.stringify({ tunnels }))
        const started = cli(['--config', file, '--dns', lab.dns.server])
        for (let i = 0; i < 200 && started.out.length < 4; i++) await new Promise((r) => setTimeout(r, 50))
        started.stop('SIGINT')
        expect(await started.exit, started.err.join('\n')).toBe(0)
        const said = started.out.map((line) => /pin (sha256\/\S+)/.exec(line)?.[1]).filter(Boolean)
        expect(said).toHaveLength(2)
        return {
          pins: said,
          generated: started.err.filter((l) => l.includes('generated a new local certificate')),
        }
      }
      const first = await pins([imap, pop3])
      expect(first.generated).toHaveLength(2)
      expect(first.pins[0]).not.toBe(first.pins[1])
      const second = await pins([pop3, imap])
      expect(second.generated).toEqual([])
      expect(second.pins).toEqual([first.pins[1], first.pins[0]])
      expect(await keychain.get(oldName)).toBe('an earlier version’s certificate')
    } finally {
      for (const name of secrets) await keychain.delete(name)
      if (oldValue === null) await keychain.delete(oldName)
      else await keychain.set(oldName, oldValue)
    }
  })

  it('a server it cannot verify is reported at start with the fix, and the command exits 1', async () => {
    const args = [
      '--listen',
      '0',
      '--to',
      `${lab.flawed.selfSigned.host}:993`,
      '--tls',
      'implicit-tls',
      '--protocol',
      'imap',
      '--dns',
      lab.dns.server,
    ]
    const refused = cli(args)
    expect(await refused.exit).toBe(1)
    expect(refused.out).toEqual([])
    const said = refused.err.join('\n')
    expect(said).toMatch(/cannot verify selfsigned\.lab\.test:993: The server’s certificate is self-signed/)
    expect(said).toMatch(/SHA-256 fingerprint [0-9A-F:]{95}/)
    const pin = /key pin (sha256\/\S+)/.exec(said)?.[1]
    expect(pin).toMatch(/^sha256\/[A-Za-z0-9+/]{43}=$/)
    expect(said).toMatch(/fix: compare the fingerprint .* --pin/)
    expect(said).toMatch(/--start-unverified/)

    // The fix it names works: the same command with the key pinned listens.
    const pinned = cli([...args, '--pin', pin ?? ''])
    expect(await pinned.firstLine).toMatch(/^listening on 127\.0\.0\.1:\d+ -> selfsigned\.lab\.test:993/)
    expect(pinned.err).toEqual([])
    pinned.stop('SIGINT')
    expect(await pinned.exit).toBe(0)

    // --json-log keeps stderr JSON: the finding is one object with its fix.
    const json = cli([
      '--listen',
      '0',
      '--to',
      `${lab.flawed.expired.host}:995`,
      '--tls',
      'implicit-tls',
      '--protocol',
      'pop3',
      '--ca',
      lab.caPath,
      '--dns',
      lab.dns.server,
      '--json-log',
    ])
    expect(await json.exit).toBe(1)
    expect(JSON.parse(json.err[0] ?? '{}')).toMatchObject({
      upstream: 'expired.lab.test:995',
      check: { state: 'cannot-verify', reason: 'expired' },
      fix: expect.stringMatching(/renew/),
    })

    // Unreachable is said too; --start-unverified listens anyway, the warning still on stderr.
    const anyway = cli([
      '--listen',
      '0',
      '--to',
      `${lab.good.dovecot.host}:9`,
      '--tls',
      'implicit-tls',
      '--protocol',
      'imap',
      '--dns',
      lab.dns.server,
      '--start-unverified',
    ])
    expect(await anyway.firstLine).toMatch(/^listening on /)
    expect(anyway.err.join('\n')).toMatch(/cannot reach imap\.lab\.test:9: The server cannot be reached/)
    anyway.stop('SIGINT')
    expect(await anyway.exit).toBe(0)
  })
})
