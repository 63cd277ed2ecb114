// Issue 18 end to end, through the front door: `mailwarden oauth login --device` signs alice in at
// the lab's oidc-provider (the test plays the user on the verification page), `mailwarden tunnel
// --oauth` runs one tunnel per protocol and TLS mode to the lab's OAuth-only Dovecot and Exim, and
// real clients that know only the local password read and send mail: curl, Python's imaplib,
// poplib and smtplib, fetchmail, msmtp. Then a short-lived access token expiring mid-session, a
// revoked refresh token (each protocol's error, the tunnel saying it needs sign-in), a wrong local
// password, and no secret in any log line, connection record or the settings file.
// Needs the keychain session: dbus-run-session -- sh scripts/keyring-session.sh npx vitest run FILE
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSystemKeychain } from '../../core/keychain/keychain.js'
import { getLab } from '../lab/lab.js'
import { revoke } from '../lab/oauth-login.js'
import { run, talk } from './helpers.js'
import { type CliRun, cli, deviceLogin, fetchmail, msmtp, oauthTunnel, python, waitFor } from './oauth-cli.js'

const lab = getLab()
const o = lab.oauth
const USER = o.user.address
const LOCAL = 'tunnel local pass 7'
const ACCOUNT = 'alice-lab-test'
const SHORT = 'alice-short'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-oauth-clients-'))
const keychain = openSystemKeychain()
const runs: CliRun[] = []
/** Every refresh token seen in the keychain during the run (none may appear in any output). */
const refreshTokens = new Set<string>()
const T: Record<string, number> = {}
/** The local port of the tunnel started under this key. */
function port(key: string): number {
  const found = T[key]
  if (found === undefined) throw new Error(`no tunnel ${key}`)
  return found
}
let localTls: { imapPin: string; smtpFingerprint: string }

async function noteRefreshToken(account: string) {
  const token = await keychain.get(`oauth-refresh:${account}`)
  if (token) refreshTokens.add(token)
  return token
}

async function tunnel(key: string, to: string, tls: string, protocol: string, extra: string[] = []) {
  const r = await oauthTunnel(
    dir,
    ['--to', to, '--tls', tls, '--protocol', protocol, '--oauth', ACCOUNT, ...extra],
    LOCAL,
  )
  runs.push(r)
  T[key] = r.port
  return r
}

beforeAll(async () => {
  fs.writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({
      version: 1,
      theme: 'system',
      mailClient: 'thunderbird',
      dnsServer: lab.dns.server,
      connectTimeoutSeconds: 10,
      extraCaFile: o.caPath,
    }),
  )
  const login = await deviceLogin(dir, [
    '--provider',
    'custom',
    '--account',
    USER,
    '--client-id',
    o.clients.main.clientId,
    '--issuer',
    o.issuer,
    ...o.scopes.flatMap((scope) => ['--scope', scope]),
  ])
  runs.push(login)
  expect(login.out.join('\n')).toMatch(/^Signed in: alice-lab-test {2}alice@lab\.test .* signed-in/)
  await noteRefreshToken(ACCOUNT)
  // One tunnel per protocol and upstream TLS mode, started one after another (each process's first
  // login refreshes the rotating refresh token once).
  const first = await tunnel('imap993', `${o.imap.host}:${o.imap.ports.tls}`, 'implicit-tls', 'imap')
  expect(first.stdinReads).toBe(1)
  expect(first.out[1]).toMatch(/^OAuth 2.0 account alice-lab-test \(auto\): clients log in with/)
  await tunnel('imap143', `${o.imap.host}:${o.imap.ports.starttls}`, 'starttls', 'imap')
  await tunnel('pop995', `${o.pop3.host}:${o.pop3.ports.tls}`, 'implicit-tls', 'pop3')
  await tunnel('pop110', `${o.pop3.host}:${o.pop3.ports.starttls}`, 'starttls', 'pop3', [
    '--mechanism',
    'xoauth2',
  ])
  await tunnel('smtp465', `${o.smtp.host}:${o.smtp.ports.tls}`, 'implicit-tls', 'smtp')
  await tunnel('smtp587', `${o.smtp.host}:${o.smtp.ports.starttls}`, 'starttls', 'smtp', [
    '--mechanism',
    'oauthbearer',
  ])
  const imapTls = await tunnel('imapLocalTls', `${o.imap.host}:${o.imap.ports.tls}`, 'implicit-tls', 'imap', [
    '--local-tls',
    'implicit-tls',
  ])
  const smtpTls = await tunnel(
    'smtpLocalTls',
    `${o.smtp.host}:${o.smtp.ports.starttls}`,
    'starttls',
    'smtp',
    ['--local-tls', 'starttls'],
  )
  const certLine = (r: CliRun) => r.out.find((l) => l.startsWith('local ')) ?? ''
  localTls = {
    imapPin: /pin (sha256\/\S+)/.exec(certLine(imapTls))?.[1] ?? '',
    smtpFingerprint: /sha256 ([0-9A-F:]+)/.exec(certLine(smtpTls))?.[1] ?? '',
  }
}, 120_000)

afterAll(async () => {
  for (const r of runs) r.stop()
  await Promise.all(runs.map((r) => r.exit))
  for (const id of [ACCOUNT, SHORT]) await cli(dir, ['oauth', 'delete', id]).exit
  for (const name of await keychain.list())
    if (name.startsWith('tunnel-password:') || name.startsWith('tunnel-local-tls'))
      await keychain.delete(name)
  fs.rmSync(dir, { recursive: true, force: true })
}, 60_000)

const curl = (args: string[]) => run('curl', ['-sS', '--max-time', '15', ...args], 30_000)

describe('mailwarden tunnel --oauth: real clients with only the local password', () => {
  it('curl reads IMAP (list, fetch) and POP3 (list) through each upstream TLS mode', async () => {
    for (const key of ['imap993', 'imap143']) {
      const list = await curl(['-u', `${USER}:${LOCAL}`, `imap://127.0.0.1:${port(key)}/`])
      expect(list.stderr, key).toBe('')
      expect(list.stdout, key).toMatch(/\* LIST .* INBOX/)
      const fetch = await curl(['-u', `${USER}:${LOCAL}`, `imap://127.0.0.1:${port(key)}/INBOX;MAILINDEX=1`])
      expect(fetch.stdout, key).toMatch(/^Subject: /m)
    }
    for (const key of ['pop995', 'pop110']) {
      const list = await curl(['-u', `${USER}:${LOCAL}`, `pop3://127.0.0.1:${port(key)}/`])
      expect(list.stderr, key).toBe('')
      expect(list.stdout, key).toMatch(/^1 \d+\r?$/m)
    }
  })

  it('curl through a local implicit-TLS side, the tunnel pinned by its printed key', async () => {
    expect(localTls.imapPin).toMatch(/^sha256\//)
    const list = await curl([
      '-k',
      '--pinnedpubkey',
      localTls.imapPin.replace('sha256/', 'sha256//'),
      '-u',
      `${USER}:${LOCAL}`,
      `imaps://127.0.0.1:${port('imapLocalTls')}/`,
    ])
    expect(list.stderr).toBe('')
    expect(list.stdout).toMatch(/\* LIST .* INBOX/)
  })

  it('curl sends over SMTP 465; the message arrives and is read back through the IMAP tunnel', async () => {
    const subject = `curl oauth ${Date.now()}`
    const file = path.join(dir, 'curl.eml')
    fs.writeFileSync(file, `From: ${USER}\r\nTo: ${USER}\r\nSubject: ${subject}\r\n\r\nvia curl\r\n`)
    const sent = await curl([
      '-u',
      `${USER}:${LOCAL}`,
      '--mail-from',
      USER,
      '--mail-rcpt',
      USER,
      '-T',
      file,
      `smtp://127.0.0.1:${port('smtp465')}`,
    ])
    expect(sent.stderr).toBe('')
    expect(sent.code).toBe(0)
    await expect
      .poll(() => python('imap', port('imap993'), USER, LOCAL, `search:${subject}`), { timeout: 15_000 })
      .toMatch(/SEARCH OK \d+/)
  })

  it("Python's imaplib, poplib and smtplib (sent over 587 STARTTLS, read back over 143)", async () => {
    const imap = await python('imap', port('imap143'), USER, LOCAL)
    expect(imap).toMatch(/^CAPS .*AUTH=PLAIN/m)
    expect(imap).toMatch(/^LOGIN OK$/m)
    expect(imap).toMatch(/^FETCH OK Subject: /m)
    const pop = await python('pop3', port('pop995'), USER, LOCAL)
    expect(pop).toMatch(/^PASS \+OK/m)
    expect(pop).toMatch(/^STAT \(\d+, \d+\)$/m)
    const pop110 = await python('pop3', port('pop110'), USER, LOCAL)
    expect(pop110).toMatch(/^PASS \+OK/m)
    const subject = `smtplib oauth ${Date.now()}`
    const smtp = await python('smtp', port('smtp587'), USER, LOCAL, subject)
    expect(smtp).toMatch(/^AUTH {1,2}PLAIN LOGIN$/m)
    expect(smtp).toMatch(/^LOGIN 235$/m)
    expect(smtp).toMatch(/^SENT \{\}$/m)
    await expect
      .poll(() => python('imap', port('imap143'), USER, LOCAL, `search:${subject}`), { timeout: 15_000 })
      .toMatch(/SEARCH OK \d+/)
  })

  it("fetchmail fetches alice's mail over IMAP and POP3 into an MDA (kept on the server)", async () => {
    for (const [protocol, key] of [
      ['IMAP', 'imap993'],
      ['POP3', 'pop110'],
    ] as const) {
      const f = await fetchmail(dir, protocol, port(key), USER, LOCAL)
      expect(f.code, `${protocol}: ${f.stderr}`).toBe(0)
      expect(f.mbox, protocol).toMatch(/^Subject: /m)
      expect(f.stdout, protocol).toMatch(/\d+ messages? for alice@lab\.test at 127\.0\.0\.1/)
      expect(f.stdout, protocol).not.toContain(LOCAL) // fetchmail -v shows its login with the password masked
    }
  })

  it('msmtp sends through a plaintext local side and through a local STARTTLS side (fingerprint)', async () => {
    const plain = `msmtp oauth ${Date.now()}`
    const a = await msmtp(dir, port('smtp465'), USER, LOCAL, plain, null)
    expect(a.stderr).toBe('')
    expect(a.code).toBe(0)
    expect(localTls.smtpFingerprint).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/)
    const tls = `msmtp starttls oauth ${Date.now()}`
    const b = await msmtp(dir, port('smtpLocalTls'), USER, LOCAL, tls, {
      fingerprint: localTls.smtpFingerprint,
    })
    expect(b.stderr).toBe('')
    expect(b.code).toBe(0)
    for (const subject of [plain, tls])
      await expect
        .poll(() => python('imap', port('imap993'), USER, LOCAL, `search:${subject}`), { timeout: 15_000 })
        .toMatch(/SEARCH OK \d+/)
  })

  it('a wrong local password is refused in each protocol', async () => {
    const imap = await python('imap', port('imap993'), USER, 'wrong password')
    const pop = await python('pop3', port('pop995'), USER, 'wrong password')
    const smtp = await python('smtp', port('smtp465'), USER, 'wrong password', 'never')
    console.log(`wrong local password:\n${imap}${pop}${smtp}`)
    expect(imap).toMatch(/^ERROR error b'\[AUTHENTICATIONFAILED\] /m)
    const wire = await talk(port('imap143'), [`a1 LOGIN ${USER} "wrong password"`, 'a2 LOGOUT'], {
      waitMs: 1500,
    })
    expect(wire).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\] Wrong user name or local password/m)
    expect(pop).toMatch(/^ERROR error_proto b'-ERR \[AUTH\] /m)
    expect(smtp).toMatch(/^ERROR SMTPAuthenticationError \(535, b'5\.7\.8 /m)
    const curlWrong = await curl(['-u', `${USER}:wrong password`, `imap://127.0.0.1:${port('imap143')}/`])
    expect(curlWrong.code).toBe(67) // CURLE_LOGIN_DENIED
  })

  it('the local password is asked once and then found in the keychain', async () => {
    const again = await oauthTunnel(
      dir,
      [
        '--to',
        `${o.imap.host}:${o.imap.ports.tls}`,
        '--tls',
        'implicit-tls',
        '--protocol',
        'imap',
        '--oauth',
        ACCOUNT,
      ],
      'not read',
    )
    runs.push(again)
    expect(again.stdinReads).toBe(0)
    expect(await python('imap', again.port, USER, LOCAL)).toMatch(/^LOGIN OK$/m)
  })
})

describe('token expiry and revocation (the short-lived lab client)', () => {
  const S: Record<string, CliRun & { port: number }> = {}

  beforeAll(async () => {
    await deviceLogin(dir, [
      '--provider',
      'custom',
      '--account',
      USER,
      '--id',
      SHORT,
      '--client-id',
      o.clients.short.clientId,
      '--issuer',
      o.issuer,
      ...o.scopes.flatMap((scope) => ['--scope', scope]),
    ])
    await noteRefreshToken(SHORT)
    const specs: [string, string, string][] = [
      ['imap', `${o.imap.host}:${o.imap.ports.tls}`, 'implicit-tls'],
      ['pop3', `${o.pop3.host}:${o.pop3.ports.starttls}`, 'starttls'],
      ['smtp', `${o.smtp.host}:${o.smtp.ports.starttls}`, 'starttls'],
    ]
    for (const [protocol, to, tls] of specs) {
      const r = await oauthTunnel(
        dir,
        ['--to', to, '--tls', tls, '--protocol', protocol, '--oauth', SHORT],
        LOCAL,
        protocol !== 'pop3', // the POP3 tunnel logs for people, the others JSON lines
      )
      runs.push(r)
      S[protocol] = r
    }
  }, 120_000)

  it('an access token expires mid-session; the session goes on and the next login is refreshed', async () => {
    const before = await noteRefreshToken(SHORT)
    // Logged in, then idle past the access token's lifetime: the session keeps working.
    const session = await python(
      'imap',
      S.imap?.port ?? 0,
      USER,
      LOCAL,
      `wait:${o.clients.short.accessTokenSeconds + 2}`,
    )
    expect(session).toMatch(/^LOGIN OK$/m)
    expect(session).toMatch(/^NOOP OK$/m)
    expect(session).not.toMatch(/ERROR/)
    // The next login needs a new access token: refreshed without the client noticing.
    expect(await python('imap', S.imap?.port ?? 0, USER, LOCAL)).toMatch(/^LOGIN OK$/m)
    const after = await noteRefreshToken(SHORT)
    expect(after).not.toBe(before) // the provider rotates refresh tokens: a refresh happened
    expect(await python('pop3', S.pop3?.port ?? 0, USER, LOCAL)).toMatch(/^PASS \+OK/m)
  })

  it("a revoked refresh token: each protocol's error, the tunnel says it needs sign-in", async () => {
    const token = await noteRefreshToken(SHORT)
    expect(token).toBeTruthy()
    await revoke(token ?? '', { clientId: o.clients.short.clientId, caPath: o.caPath, hint: 'refresh_token' })
    // The cached access token lives 4 s: let it go stale so the next login must refresh.
    await new Promise((resolve) => setTimeout(resolve, (o.clients.short.accessTokenSeconds + 1) * 1000))
    const imap = await python('imap', S.imap?.port ?? 0, USER, LOCAL)
    const pop = await python('pop3', S.pop3?.port ?? 0, USER, LOCAL)
    const smtp = await python('smtp', S.smtp?.port ?? 0, USER, LOCAL, 'never')
    console.log(`revoked refresh token:\n${imap}${pop}${smtp}`)
    expect(imap).toMatch(/^ERROR error b'\[AUTHENTICATIONFAILED\] .*[Ss]ign in again/m)
    const wire = await talk(S.imap?.port ?? 0, [`a1 LOGIN ${USER} "${LOCAL}"`, 'a2 LOGOUT'], { waitMs: 1500 })
    expect(wire).toMatch(
      /^a1 NO \[AUTHENTICATIONFAILED\] The OAuth account needs a new sign-in: sign in again in Mailwarden\.\r$/m,
    )
    expect(pop).toMatch(/^ERROR error_proto b'-ERR \[AUTH\] .*[Ss]ign in again/m)
    expect(smtp).toMatch(/^ERROR SMTPAuthenticationError \(535, b'5\.7\.8 .*[Ss]ign in again/m)
    for (const protocol of ['imap', 'smtp']) {
      const r = S[protocol] as CliRun
      const line = await waitFor(r, () => r.err.find((l) => l.includes('"needs-authorization"')) ?? null)
      expect(JSON.parse(line)).toMatchObject({ oauth: { accountId: SHORT, state: 'needs-authorization' } })
    }
    const popTunnel = S.pop3 as CliRun
    const said = await waitFor(
      popTunnel,
      () => popTunnel.err.find((l) => l.includes('needs sign-in')) ?? null,
    )
    expect(said).toMatch(
      /^tunnel 1: OAuth alice-short \(alice@lab\.test\): needs sign-in: The OAuth account needs/,
    )
  })
})

describe('no secret anywhere', () => {
  it('neither the local password nor a token is in a log line, a connection record or the settings', async () => {
    const everything = [
      // The local certificate's pin line is the one long base64 value printed, and no secret.
      ...runs.flatMap((r) => [...r.out.filter((l) => !l.startsWith('local ')), ...r.err]),
      fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'),
    ].join('\n')
    expect(everything).toMatch(/"outcome":/) // the connection records are in there
    expect(everything).not.toContain(LOCAL)
    for (const token of refreshTokens) expect(everything).not.toContain(token)
    // Access tokens never reach the test; nothing token-like (43+ base64url characters) may show.
    // (Tunnel ids such as cli-127-0-0-1-0-oauth-lab-test-993-da1306dc1dcd are long but dashed words.)
    const tokenLike = (
      everything.replace(/sha256\/[A-Za-z0-9+/=]+/g, 'PIN').match(/[A-Za-z0-9_-]{40,}/g) ?? []
    ).filter((w) => !/^cli-[a-z0-9-]+$/.test(w))
    expect(
      tokenLike.map((w) => everything.slice(everything.indexOf(w) - 200, everything.indexOf(w) + 60)),
    ).toEqual([])
  })
})
