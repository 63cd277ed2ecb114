// `lab:status`: what listens where, then the checks an administrator would run by hand
// (openssl s_client for TLS, a raw conversation for what a server says before TLS, DNS
// queries against the lab resolver), one PASS/FAIL line per expectation.
import { spawn } from 'node:child_process'
import { Resolver } from 'node:dns/promises'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { SRV_RECORDS } from './dns.js'
import { getLab, type Lab } from './lab.js'
import { ISPDB_IMAP_HOST, MTA_STS_POLICY } from './nginx.js'
import { oauthExpectations } from './oauth-status.js'
import { labListeners } from './preflight.js'
import { ADDR, ALIASES, BARE_DOMAIN_SERVER, HOST, type ServerKey } from './topology.js'

interface Outcome {
  ok: boolean
  detail: string
}

interface Expectation {
  server: string
  target: string
  expect: string
  /** The command an administrator would type, shown when the check fails. */
  command?: string
  check: () => Promise<Outcome>
}

// ---------- openssl s_client ----------

interface SClientOpts {
  address: string
  port: number
  /** Name to verify the certificate against (and SNI). */
  host: string
  ca: string
  starttls?: 'imap' | 'pop3' | 'smtp'
  /** Conversation once TLS is up (CRLF added by -crlf); stdin is closed after it. */
  input?: Step[]
  extra?: string[]
}

interface SClientResult {
  handshake: boolean
  verifyCode?: number
  verifyText?: string
  protocol?: string
  output: string
}

function sClientArgs(o: SClientOpts): string[] {
  return [
    's_client',
    '-connect',
    `${o.address}:${o.port}`,
    '-servername',
    o.host,
    '-verify_hostname',
    o.host,
    '-CAfile',
    o.ca,
    ...(o.starttls ? ['-starttls', o.starttls] : []),
    '-crlf',
    ...(o.extra ?? []),
  ]
}

function sClientCommand(o: SClientOpts): string {
  return `openssl ${sClientArgs(o)
    .filter((a) => a !== '-crlf')
    .join(' ')}`
}

function sClient(o: SClientOpts): Promise<SClientResult> {
  return new Promise((resolve) => {
    const child = spawn('openssl', sClientArgs(o), { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    // Conversation after the handshake, one command at a time: a proxy like Perdition drops
    // commands pipelined behind LOGIN, as real clients never send them that way.
    const steps = o.input ?? []
    let i = 0
    let since: string | undefined // undefined until the handshake is over
    const advance = () => {
      while (since !== undefined && i < steps.length) {
        const step = steps[i] as Step
        if (step.send !== undefined && !step.sent) {
          step.sent = true
          since = ''
          child.stdin.write(`${step.send}\n`)
        }
        if (!step.until.test(since)) return
        i += 1
        since = ''
      }
      if (since !== undefined && i >= steps.length) child.stdin.end()
    }
    // s_client may echo leftovers of the pre-TLS exchange right after the handshake; let that
    // settle (200 ms) before the conversation starts, so it is not taken for an answer.
    let afterHandshake: string | undefined
    const onData = (d: Buffer) => {
      const s = d.toString()
      output += s
      if (afterHandshake === undefined) {
        const m =
          /Verify return code: \d+[^\n]*\n/.exec(output) ?? /(Cipher is \(NONE\)|errno=|:error:)/.exec(output)
        if (!m) return
        afterHandshake = output.slice(m.index + m[0].length)
        setTimeout(() => {
          // A first step without `send` waits for the server's greeting, which may be here already.
          since = steps[0] && steps[0].send === undefined ? (afterHandshake ?? '') : ''
          advance()
        }, 200)
      } else if (since === undefined) {
        afterHandshake += s
      } else {
        since += s
        advance()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.stdin.on('error', () => {})
    child.on('close', () => {
      clearTimeout(timer)
      const v = /Verify return code: (\d+) \(([^)]*)\)/.exec(output)
      const proto = /^\s*Protocol\s*:\s*(\S+)/m.exec(output) ?? /New, (TLSv[\d.]+|SSLv3), Cipher/.exec(output)
      resolve({
        handshake: /New, (TLSv[\d.]+|SSLv3), Cipher is (?!\(NONE\))/.test(output),
        verifyCode: v ? Number(v[1]) : undefined,
        verifyText: v?.[2],
        protocol: proto?.[1],
        output,
      })
    })
  })
}

function tlsSummary(r: SClientResult): string {
  return r.handshake
    ? `${r.protocol ?? '?'}, verify ${r.verifyCode} (${r.verifyText})`
    : `no TLS handshake: ${lastError(r.output)}`
}

function lastError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim())
  return lines.find((l) => /error|alert|didn't|refused|unsupported/i.test(l))?.slice(0, 140) ?? 'no handshake'
}

const MODERN = new Set(['TLSv1.2', 'TLSv1.3'])

/** Certificate verifies for the name, TLS >= 1.2, and the response after TLS matches. */
function tlsGood(o: SClientOpts, after?: RegExp, afterLabel?: string): () => Promise<Outcome> {
  return async () => {
    const r = await sClient(o)
    const verified = r.handshake && r.verifyCode === 0
    const modern = r.protocol !== undefined && MODERN.has(r.protocol)
    const afterOk = after ? after.test(r.output) : true
    const notes = [tlsSummary(r), ...(after ? [`${afterLabel}: ${afterOk ? 'yes' : 'NO'}`] : [])]
    const ok = verified && modern && afterOk
    // LAB_STATUS_DEBUG=1 prints the whole s_client transcript of a failing check.
    if (!ok && process.env.LAB_STATUS_DEBUG) console.error(r.output)
    return { ok, detail: notes.join('; ') }
  }
}

function good(
  server: string,
  o: SClientOpts,
  expect: string,
  after?: RegExp,
  afterLabel?: string,
): Expectation {
  return tls(server, o, expect, tlsGood(o, after, afterLabel))
}

/** The handshake completes but verification fails with this OpenSSL code (10, 18, 62...). */
function verifyFails(server: string, o: SClientOpts, expect: string, code: number): Expectation {
  return tls(server, o, expect, async () => {
    const r = await sClient(o)
    return { ok: r.handshake && r.verifyCode === code, detail: tlsSummary(r) }
  })
}

/** No TLS session comes up at all (no STARTTLS, or a protocol version the server refuses). */
function handshakeRefused(server: string, o: SClientOpts, expect: string): Expectation {
  return tls(server, o, expect, async () => {
    const r = await sClient(o)
    return { ok: !r.handshake, detail: tlsSummary(r) }
  })
}

// ---------- plaintext conversations ----------

interface Step {
  send?: string
  /** Read until the text received since the last send matches. */
  until: RegExp
  sent?: boolean
}

function converse(address: string, port: number, steps: Step[], timeoutMs = 8000): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: address, port })
    let all = ''
    let since = ''
    let i = 0
    const finish = () => {
      clearTimeout(timer)
      sock.destroy()
      resolve(all)
    }
    const timer = setTimeout(finish, timeoutMs)
    const advance = () => {
      while (i < steps.length && steps[i]?.until.test(since)) {
        i += 1
        since = ''
        const next = steps[i]
        if (next?.send !== undefined) sock.write(`${next.send}\r\n`)
      }
      if (i >= steps.length) finish()
    }
    sock.on('data', (d: Buffer) => {
      const s = d.toString('latin1')
      all += s
      since += s
      advance()
    })
    sock.on('error', (e) => {
      all += `\n[error: ${e.message}]`
      finish()
    })
    sock.on('close', finish)
    if (steps[0]?.send !== undefined) sock.write(`${steps[0].send}\r\n`)
  })
}

const LINE = /\r\n/
const imapTagged = (tag: string) => new RegExp(`^${tag} (OK|NO|BAD)[^\\n]*\\n`, 'm')
// Whole lines only: s_client can echo a fragment of the pre-TLS greeting after the handshake.
const smtpDone = /^\d{3} [^\n]*\n/m
const popDone = /^(\+OK|-ERR)[^\n]*\n/m
const popMulti = /(^-ERR)|(\r\n\.\r\n)/m

function plain(
  server: string,
  address: string,
  port: number,
  expect: string,
  steps: Step[],
  test: (out: string) => boolean,
): Expectation {
  return {
    server,
    target: `${address}:${port}`,
    expect,
    check: async () => {
      const out = await converse(address, port, steps)
      const shown = out.replace(/\r/g, '').split('\n').filter(Boolean).slice(0, 3).join(' | ').slice(0, 160)
      return { ok: test(out), detail: shown }
    },
  }
}

function tls(server: string, o: SClientOpts, expect: string, check: () => Promise<Outcome>): Expectation {
  return { server, target: `${o.address}:${o.port}`, expect, command: sClientCommand(o), check }
}

// ---------- the expectations ----------

function expectations(lab: Lab): Expectation[] {
  const ca = lab.caPath
  const { login, password } = lab.user
  const d = lab.good.dovecot
  const x = lab.good.exim
  const pd = lab.good.perdition
  const f = lab.flawed
  // Fresh step objects per check: sClient marks them as sent.
  const imapLoginTls = (): Step[] => [
    { send: `a LOGIN ${login} ${password}`, until: imapTagged('a') },
    { send: 'b SELECT INBOX', until: imapTagged('b') },
    { send: 'c LOGOUT', until: imapTagged('c') },
  ]
  const imapLoginSteps = (): Step[] => [{ until: /^\* OK/m }, ...imapLoginTls()]
  const popLoginSteps = (): Step[] => [
    { until: popDone },
    { send: `USER ${login}`, until: popDone },
    { send: `PASS ${password}`, until: popDone },
    { send: 'STAT', until: popDone },
    { send: 'QUIT', until: popDone },
  ]
  const popLoginTls = (): Step[] => popLoginSteps().slice(1)
  const imapIn = /^b OK \[READ-WRITE\]/m
  const popIn = /^\+OK \d+ \d+/m
  const authAfter = /^250[- ]AUTH[ =].*PLAIN/m
  const ehloAfter = (): Step[] => [
    { send: 'EHLO status.lab.test', until: smtpDone },
    { send: 'QUIT', until: smtpDone },
  ]
  const ehloImplicit = (): Step[] => [{ until: smtpDone }, ...ehloAfter()]
  const old = ['-cipher', 'DEFAULT:@SECLEVEL=0']
  const E: Expectation[] = []

  // Good Dovecot
  E.push(
    plain(
      'dovecot',
      d.address,
      143,
      'IMAP before TLS: STARTTLS and LOGINDISABLED',
      [
        { until: LINE },
        { send: 'a CAPABILITY', until: imapTagged('a') },
        { send: 'b LOGOUT', until: imapTagged('b') },
      ],
      (o) => /STARTTLS/.test(o) && /LOGINDISABLED/.test(o),
    ),
  )
  E.push(
    good(
      'dovecot',
      { address: d.address, port: 143, host: d.host, ca, starttls: 'imap', input: imapLoginTls() },
      'STARTTLS: certificate verifies, TLS >= 1.2, login works',
      imapIn,
      'login + SELECT',
    ),
  )
  E.push(
    good(
      'dovecot',
      { address: d.address, port: 993, host: d.host, ca, input: imapLoginSteps() },
      'implicit TLS: certificate verifies, TLS >= 1.2, login works',
      imapIn,
      'login + SELECT',
    ),
  )
  E.push(
    plain(
      'dovecot',
      d.address,
      110,
      'POP3 before TLS: STLS offered, USER/PASS refused',
      [
        { until: LINE },
        { send: 'CAPA', until: popMulti },
        { send: `USER ${login}`, until: popDone },
        { send: 'QUIT', until: popDone },
      ],
      (o) => /^STLS/m.test(o) && /-ERR \[AUTH\]|-ERR.*[Pp]laintext/.test(o),
    ),
  )
  E.push(
    good(
      'dovecot',
      { address: d.address, port: 110, host: d.host, ca, starttls: 'pop3', input: popLoginTls() },
      'STLS: certificate verifies, TLS >= 1.2, login works',
      popIn,
      'USER/PASS + STAT',
    ),
  )
  E.push(
    good(
      'dovecot',
      { address: d.address, port: 995, host: d.host, ca, input: popLoginSteps() },
      'implicit TLS: certificate verifies, TLS >= 1.2, login works',
      popIn,
      'USER/PASS + STAT',
    ),
  )

  // Good Exim
  const ehlo = (port: number, expect: string, test: (o: string) => boolean) =>
    plain(
      'exim',
      x.address,
      port,
      expect,
      [
        { until: smtpDone },
        { send: 'EHLO status.lab.test', until: smtpDone },
        { send: 'QUIT', until: smtpDone },
      ],
      test,
    )
  E.push(
    ehlo(
      25,
      'SMTP before TLS: STARTTLS offered, no AUTH',
      (o) => /250[- ]STARTTLS/.test(o) && !/250[- ]AUTH/.test(o),
    ),
  )
  E.push(
    good(
      'exim',
      { address: x.address, port: 25, host: x.host, ca, starttls: 'smtp', input: ehloAfter() },
      'STARTTLS: certificate verifies, TLS >= 1.2',
    ),
  )
  E.push(
    plain(
      'exim',
      x.address,
      25,
      'refuses relaying (RCPT to another domain: 550)',
      [
        { until: smtpDone },
        { send: 'EHLO status.lab.test', until: smtpDone },
        { send: 'MAIL FROM:<someone@example.org>', until: smtpDone },
        { send: 'RCPT TO:<victim@example.net>', until: smtpDone },
        { send: 'QUIT', until: smtpDone },
      ],
      (o) => /^550/m.test(o),
    ),
  )
  E.push(
    good(
      'exim',
      { address: x.address, port: 465, host: x.host, ca, input: ehloImplicit() },
      'implicit TLS: certificate verifies, TLS >= 1.2, AUTH offered',
      authAfter,
      'AUTH PLAIN after TLS',
    ),
  )
  E.push(
    ehlo(
      587,
      'submission before TLS: STARTTLS offered, AUTH not offered',
      (o) => /250[- ]STARTTLS/.test(o) && !/250[- ]AUTH/.test(o),
    ),
  )
  E.push(
    good(
      'exim',
      { address: x.address, port: 587, host: x.host, ca, starttls: 'smtp', input: ehloAfter() },
      'STARTTLS: certificate verifies, TLS >= 1.2, AUTH after TLS',
      authAfter,
      'AUTH PLAIN after TLS',
    ),
  )

  // Perdition
  E.push(
    good(
      'perdition',
      { address: pd.address, port: 993, host: pd.host, ca, input: imapLoginSteps() },
      'ssl_listen: certificate verifies, login proxied to Dovecot',
      imapIn,
      'login + SELECT via proxy',
    ),
  )
  E.push(
    good(
      'perdition',
      { address: pd.address, port: 143, host: pd.host, ca, starttls: 'imap', input: imapLoginTls() },
      'tls_listen: STARTTLS, certificate verifies, login proxied',
      imapIn,
      'login + SELECT via proxy',
    ),
  )
  E.push(
    good(
      'perdition',
      { address: pd.address, port: 995, host: pd.host, ca, input: popLoginSteps() },
      'ssl_listen: certificate verifies, login proxied to Dovecot',
      popIn,
      'USER/PASS + STAT via proxy',
    ),
  )
  E.push(
    good(
      'perdition',
      { address: pd.address, port: 110, host: pd.host, ca, starttls: 'pop3', input: popLoginTls() },
      'tls_listen: STLS, certificate verifies, login proxied',
      popIn,
      'USER/PASS + STAT via proxy',
    ),
  )

  // Perdition's tls_listen_force: no password before STARTTLS (answers after a ~3 s delay)
  E.push(
    plain(
      'perdition',
      pd.address,
      143,
      'IMAP before TLS: STARTTLS and LOGINDISABLED; cleartext LOGIN refused',
      [
        { until: LINE },
        { send: 'a CAPABILITY', until: imapTagged('a') },
        { send: `b LOGIN ${login} ${password}`, until: imapTagged('b') },
        { send: 'c LOGOUT', until: imapTagged('c') },
      ],
      (o) => /STARTTLS/.test(o) && /LOGINDISABLED/.test(o) && /^b NO/m.test(o),
    ),
  )
  E.push(
    plain(
      'perdition',
      pd.address,
      110,
      'POP3 before TLS: STLS offered; cleartext USER/PASS refused',
      [
        { until: LINE },
        { send: 'CAPA', until: popMulti },
        { send: `USER ${login}`, until: popDone },
        { send: `PASS ${password}`, until: popDone },
        { send: 'QUIT', until: popDone },
      ],
      (o) => /^STLS/m.test(o) && /^-ERR.*[Ll]ogin [Dd]isabled/m.test(o),
    ),
  )

  // Dovecot backend (not for clients): LMTP for Exim
  E.push(
    plain(
      'backend',
      lab.good.backend.address,
      24,
      'Dovecot LMTP answers LHLO (Exim delivers here)',
      [
        { until: smtpDone },
        { send: 'LHLO status.lab.test', until: smtpDone },
        { send: 'QUIT', until: smtpDone },
      ],
      (o) => /^250[- ]/m.test(o),
    ),
  )

  // Flawed
  E.push(
    plain(
      'plaintext',
      f.plaintext.address,
      143,
      'FLAW: no STARTTLS, cleartext LOGIN accepted',
      [
        { until: LINE },
        { send: 'a CAPABILITY', until: imapTagged('a') },
        { send: `b LOGIN ${login} ${password}`, until: imapTagged('b') },
        { send: 'c LOGOUT', until: imapTagged('c') },
      ],
      (o) => !/STARTTLS/.test(o) && /^b OK/m.test(o),
    ),
  )
  E.push(
    handshakeRefused(
      'plaintext',
      { address: f.plaintext.address, port: 143, host: f.plaintext.host, ca, starttls: 'imap' },
      'FLAW: -starttls imap fails (no TLS at all)',
    ),
  )
  E.push(
    plain(
      'plaintext',
      f.plaintext.address,
      110,
      'FLAW: no STLS, cleartext USER/PASS accepted',
      [
        { until: LINE },
        { send: 'CAPA', until: popMulti },
        { send: `USER ${login}`, until: popDone },
        { send: `PASS ${password}`, until: popDone },
        { send: 'QUIT', until: popDone },
      ],
      (o) => !/^STLS/m.test(o) && /^\+OK Logged in/m.test(o),
    ),
  )
  E.push(
    verifyFails(
      'expired',
      { address: f.expired.address, port: 993, host: f.expired.host, ca },
      'FLAW: verify fails with 10 (certificate has expired)',
      10,
    ),
    verifyFails(
      'expired',
      { address: f.expired.address, port: 143, host: f.expired.host, ca, starttls: 'imap' },
      'FLAW: STARTTLS verify fails with 10 (expired)',
      10,
    ),
    verifyFails(
      'wrongHost',
      { address: f.wrongHost.address, port: 993, host: f.wrongHost.host, ca },
      `FLAW: verify fails with 62 (hostname mismatch: cert is for ${lab.wrongHostCertName})`,
      62,
    ),
    verifyFails(
      'selfSigned',
      { address: f.selfSigned.address, port: 993, host: f.selfSigned.host, ca },
      'FLAW: verify fails with 18 (self-signed certificate)',
      18,
    ),
    verifyFails(
      'selfSigned',
      { address: f.selfSigned.address, port: 995, host: f.selfSigned.host, ca },
      'FLAW: POP3S verify fails with 18 (self-signed)',
      18,
    ),
  )
  const o = f.oldTls
  for (const v of ['tls1_2', 'tls1_3'] as const) {
    const opts: SClientOpts = { address: o.address, port: 993, host: o.host, ca, extra: [`-${v}`] }
    E.push(handshakeRefused('oldTls', opts, `FLAW: ${v === 'tls1_2' ? 'TLS 1.2' : 'TLS 1.3'} refused`))
  }
  for (const [v, label] of [
    ['tls1_1', 'TLSv1.1'],
    ['tls1', 'TLSv1'],
  ] as const) {
    const opts: SClientOpts = { address: o.address, port: 993, host: o.host, ca, extra: [`-${v}`, ...old] }
    E.push(
      tls(
        'oldTls',
        opts,
        `FLAW: ${label} accepted (client needs @SECLEVEL=0), certificate verifies`,
        async () => {
          const r = await sClient(opts)
          return { ok: r.handshake && r.protocol === label && r.verifyCode === 0, detail: tlsSummary(r) }
        },
      ),
    )
  }
  const o143: SClientOpts = {
    address: o.address,
    port: 143,
    host: o.host,
    ca,
    starttls: 'imap',
    extra: ['-tls1_1', ...old],
  }
  E.push(
    tls('oldTls', o143, 'FLAW: STARTTLS negotiates TLSv1.1', async () => {
      const r = await sClient(o143)
      return { ok: r.handshake && r.protocol === 'TLSv1.1', detail: tlsSummary(r) }
    }),
  )
  E.push(
    handshakeRefused(
      'oldTls',
      { address: o.address, port: 995, host: o.host, ca, extra: ['-tls1_2'] },
      'FLAW: POP3S refuses TLS 1.2',
    ),
  )
  const a = f.authBeforeTls
  const plainAuth = Buffer.from(`\0${login}\0${password}`).toString('base64')
  E.push(
    plain(
      'authBeforeTls',
      a.address,
      587,
      'FLAW: AUTH PLAIN offered before STARTTLS and accepted in cleartext (235)',
      [
        { until: smtpDone },
        { send: 'EHLO status.lab.test', until: smtpDone },
        { send: `AUTH PLAIN ${plainAuth}`, until: smtpDone },
        { send: 'QUIT', until: smtpDone },
      ],
      (out) => /250[- ]AUTH[ =].*PLAIN/.test(out) && /250[- ]STARTTLS/.test(out) && /^235/m.test(out),
    ),
  )
  E.push(
    good(
      'authBeforeTls',
      { address: a.address, port: 587, host: a.host, ca, starttls: 'smtp', input: ehloAfter() },
      'STARTTLS itself works (certificate verifies)',
    ),
  )
  E.push(
    plain(
      'preauth',
      f.preauth.address,
      143,
      'FLAW: greeting is * PREAUTH (no authentication)',
      [{ until: LINE }, { send: 'a LOGOUT', until: imapTagged('a') }],
      (out) => /^\* PREAUTH/.test(out),
    ),
  )

  E.push(...webExpectations(lab))
  E.push(...dnsExpectations(lab))
  E.push(...oauthExpectations(lab))
  return E
}

// ---------- the web server (autoconfig, ISP database, MTA-STS) ----------

interface WebAnswer {
  status: number
  type: string
  body: string
}

/** One GET as a mail client makes it: the name resolved by the lab DNS, HTTPS verified by the lab CA. */
function webGet(lab: Lab, url: string): Promise<WebAnswer> {
  const r = new Resolver({ timeout: 2000, tries: 1 })
  r.setServers([lab.dns.server])
  const lookup: net.LookupFunction = (host, options, callback) => {
    r.resolve4(host).then(
      (found) => {
        if (options.all)
          callback(
            null,
            found.map((address) => ({ address, family: 4 })),
          )
        else callback(null, found[0] ?? '', 4)
      },
      (e: NodeJS.ErrnoException) => callback(e, '', 4),
    )
  }
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get
    const req = get(url, { lookup, ca: fs.readFileSync(lab.caPath), timeout: 5000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        body += d
      })
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
      )
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
  })
}

function webExpectations(lab: Lab): Expectation[] {
  const u = lab.web.urls
  const web = (url: string, expect: string, test: (a: WebAnswer) => boolean): Expectation => ({
    server: 'web',
    target: `${lab.web.address}:${url.startsWith('https:') ? 443 : 80}`,
    expect,
    command: `curl --cacert ${lab.caPath} --resolve ${new URL(url).host}:${url.startsWith('https:') ? 443 : 80}:${lab.web.address} ${url}`,
    check: async () => {
      try {
        const a = await webGet(lab, url)
        return { ok: test(a), detail: `${a.status} ${a.type}, ${a.body.length} bytes` }
      } catch (e) {
        return { ok: false, detail: (e as Error).message }
      }
    },
  })
  const autoconfig = (imapHost: string) => (a: WebAnswer) =>
    a.status === 200 &&
    a.type.startsWith('text/xml') &&
    a.body.includes('<clientConfig') &&
    a.body.includes(`<hostname>${imapHost}</hostname>`)
  return [
    web(
      `${u.autoconfigHttps}?emailaddress=${encodeURIComponent(lab.user.address)}`,
      'autoconfig over HTTPS (autoconfig.)',
      autoconfig(lab.good.dovecot.host),
    ),
    web(
      u.wellKnownHttps,
      'autoconfig over HTTPS (bare domain, .well-known)',
      autoconfig(lab.good.dovecot.host),
    ),
    web(u.autoconfigHttp, 'autoconfig over plain HTTP (autoconfig.)', autoconfig(lab.good.dovecot.host)),
    web(
      u.wellKnownHttp,
      'autoconfig over plain HTTP (bare domain, .well-known)',
      autoconfig(lab.good.dovecot.host),
    ),
    web(
      `${u.ispdbBase}${lab.domain}`,
      `ISP database copy (IMAP at ${ISPDB_IMAP_HOST})`,
      autoconfig(ISPDB_IMAP_HOST),
    ),
    web(
      u.mtaStsPolicy,
      'MTA-STS policy over HTTPS (text/plain, mode enforce)',
      (a) => a.status === 200 && a.type.startsWith('text/plain') && a.body === MTA_STS_POLICY,
    ),
    web(
      u.mtaStsPolicy.replace('https:', 'http:'),
      'MTA-STS policy not served over plain HTTP (404)',
      (a) => a.status === 404,
    ),
  ]
}

function dnsExpectations(lab: Lab): Expectation[] {
  const r = new Resolver({ timeout: 2000, tries: 1 })
  r.setServers([lab.dns.server])
  const target = lab.dns.server
  const dns = (expect: string, fn: () => Promise<Outcome>): Expectation => ({
    server: 'dns',
    target,
    expect,
    check: async () => {
      try {
        return await fn()
      } catch (e) {
        return { ok: false, detail: (e as Error).message }
      }
    },
  })
  const txt = async (name: string) => (await r.resolveTxt(name)).map((parts) => parts.join(''))
  return [
    dns('A: every lab name resolves to its own loopback address', async () => {
      const wrong: string[] = []
      for (const [key, host] of Object.entries(HOST) as [ServerKey, string][]) {
        const got = await r.resolve4(host)
        if (got.join(',') !== ADDR[key]) wrong.push(`${host}=${got.join(',')}`)
      }
      return {
        ok: wrong.length === 0,
        detail: wrong.length ? wrong.join(' ') : `${Object.keys(HOST).length} names`,
      }
    }),
    dns(`A: web names and the bare domain -> ${ADDR[BARE_DOMAIN_SERVER]}`, async () => {
      const names = [
        ...Object.entries(ALIASES)
          .filter(([, k]) => k === 'web')
          .map(([n]) => n),
        lab.domain,
      ]
      const wrong: string[] = []
      for (const name of names) {
        const got = await r.resolve4(name)
        if (got.join(',') !== ADDR[BARE_DOMAIN_SERVER]) wrong.push(`${name}=${got.join(',')}`)
      }
      return { ok: wrong.length === 0, detail: wrong.length ? wrong.join(' ') : names.join(' ') }
    }),
    dns(`MX ${lab.domain} -> mail.${lab.domain}`, async () => {
      const mx = await r.resolveMx(lab.domain)
      return {
        ok: mx.some((m) => m.exchange === `mail.${lab.domain}`),
        detail: mx.map((m) => `${m.priority} ${m.exchange}`).join(', '),
      }
    }),
    dns('SRV (RFC 6186/8314) incl. _submissions._tcp -> 465', async () => {
      const bad: string[] = []
      for (const s of SRV_RECORDS) {
        const got = await r.resolveSrv(s.name)
        if (!got.some((g) => g.name === s.target && g.port === s.port)) bad.push(s.name)
      }
      return {
        ok: bad.length === 0,
        detail: bad.length ? `wrong: ${bad.join(' ')}` : `${SRV_RECORDS.length} records`,
      }
    }),
    dns(`TXT ${lab.dkim.selector}._domainkey.${lab.dkim.domain} is Exim's DKIM public key`, async () => {
      const got = await txt(`${lab.dkim.selector}._domainkey.${lab.dkim.domain}`)
      return {
        ok: got.includes(lab.dkim.txt),
        detail: `${got[0]?.slice(0, 40) ?? 'none'}... (${got[0]?.length ?? 0} chars)`,
      }
    }),
    dns('TXT _mta-sts and _smtp._tls', async () => {
      const sts = await txt(`_mta-sts.${lab.domain}`)
      const rpt = await txt(`_smtp._tls.${lab.domain}`)
      return {
        ok: sts.some((t) => t.startsWith('v=STSv1')) && rpt.some((t) => t.startsWith('v=TLSRPTv1')),
        detail: `${sts[0]} | ${rpt[0]}`,
      }
    }),
    dns(`TXT DKIM keys of the corpus (${lab.corpusDkimNames.length})`, async () => {
      const missing: string[] = []
      for (const name of lab.corpusDkimNames) if ((await txt(name)).length === 0) missing.push(name)
      return {
        ok: missing.length === 0,
        detail:
          lab.corpusDkimNames.length === 0
            ? 'corpus keys file absent: none published'
            : missing.length
              ? `missing: ${missing.join(' ')}`
              : 'all published',
      }
    }),
    dns('no upstream: names outside the lab are not resolved', async () => {
      try {
        const got = await r.resolve4('example.org')
        return { ok: false, detail: `example.org resolved to ${got.join(',')}` }
      } catch (e) {
        return { ok: true, detail: `example.org: ${(e as NodeJS.ErrnoException).code ?? 'error'}` }
      }
    }),
  ]
}

async function pool<T, R>(items: readonly T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i] as T)
      }
    }),
  )
  return out
}

export async function status(log: (l: string) => void = console.log): Promise<number> {
  let lab: Lab
  try {
    lab = getLab()
  } catch (e) {
    log(`FAIL  ${(e as Error).message}`)
    return 1
  }
  log(`Mail lab (${lab.stateDir}), up since ${lab.startedAt}; CA: ${lab.caPath}; DNS: ${lab.dns.server}`)
  log('')
  log('Listening:')
  const byAddr = new Map<string, string[]>()
  for (const l of labListeners()) {
    const list = byAddr.get(l.address) ?? []
    list.push(`${l.port}/${l.proto} ${l.process.replace(/ \(pid \d+\)/, '')}`)
    byAddr.set(l.address, list)
  }
  const names = new Map<string, string>(Object.entries(HOST).map(([k, h]) => [ADDR[k as ServerKey], h]))
  for (const [addr, list] of [...byAddr.entries()].sort()) {
    log(
      `  ${addr.padEnd(12)} ${(names.get(addr) ?? '').padEnd(22)} ${[...new Set(list)].sort((x, y) => Number.parseInt(x, 10) - Number.parseInt(y, 10)).join(', ')}`,
    )
  }
  log('')
  const E = expectations(lab)
  const results = await pool(E, 8, async (e) => {
    const t = Date.now()
    const r = await e.check()
    return { e, r, ms: Date.now() - t }
  })
  let fails = 0
  for (const { e, r, ms } of results) {
    // LAB_STATUS_TIMING=1 shows how long each check took.
    if (process.env.LAB_STATUS_TIMING) r.detail += ` [${ms} ms]`
    if (!r.ok) fails += 1
    log(`${r.ok ? 'PASS' : 'FAIL'}  ${e.server.padEnd(13)} ${e.target.padEnd(17)} ${e.expect} -- ${r.detail}`)
    if (!r.ok && e.command) log(`      try: ${e.command}`)
  }
  log('')
  log(
    fails === 0
      ? `all ${results.length} expectations PASS`
      : `${fails} of ${results.length} expectations FAIL`,
  )
  return fails === 0 ? 0 : 1
}
