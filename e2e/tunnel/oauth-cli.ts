// For the OAuth client tests: `mailwarden` run in this process as a user runs it (its stdin the
// local password, its stdout and stderr kept, stopped by a signal we send), a device-flow sign-in
// in which the test plays the user on the provider's verification page, and the real clients'
// scripts (Python's imaplib, poplib, smtplib; fetchmail and msmtp configurations).
import fs from 'node:fs'
import path from 'node:path'
import { runCli } from '../../core/cli/main.js'
import { createEngine } from '../../core/engine.js'
import { getLab } from '../lab/lab.js'
import { approveDevice } from '../lab/oauth-login.js'
import { run } from './helpers.js'

export interface CliRun {
  out: string[]
  err: string[]
  /** How many times the command read standard input (the local password). */
  stdinReads: number
  stop(signal?: string): void
  exit: Promise<number>
}

export function cli(configDir: string, args: string[], stdin = '', onErr: (line: string) => void = () => {}) {
  const result: CliRun = {
    out: [],
    err: [],
    stdinReads: 0,
    stop: () => {},
    exit: Promise.resolve(0),
  }
  const stopSignal = new Promise<string>((resolve) => {
    result.stop = (signal = 'SIGTERM') => resolve(signal)
  })
  result.exit = runCli(args, {
    io: {
      out: (text) => result.out.push(text),
      err: (text) => {
        result.err.push(text)
        onErr(text)
      },
    },
    staticDir: configDir,
    stopSignal,
    readStdin: async () => {
      result.stdinReads++
      return stdin
    },
    makeEngine: (shell) => createEngine({ configDir, shell }),
  })
  return result
}

/** Waits until `pick` finds something in what the command printed, or it exits (an error then). */
export async function waitFor<T>(r: CliRun, pick: () => T | null, timeoutMs = 20_000): Promise<T> {
  let exited: number | null = null
  void r.exit.then((code) => {
    exited = code
  })
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const found = pick()
    if (found !== null) return found
    if (exited !== null)
      throw new Error(`mailwarden exited ${exited}: ${r.err.join('\n')}\n${r.out.join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out; stderr: ${r.err.join('\n')}`)
}

/** `mailwarden oauth login … --device`, the test approving the printed code as the user would. */
export async function deviceLogin(configDir: string, args: string[]): Promise<CliRun> {
  const caPath = getLab().oauth.caPath
  let approval: Promise<void> | null = null
  const login = cli(configDir, ['oauth', 'login', ...args, '--device'], '', (line) => {
    const code = /enter the code (\S+)/.exec(line)?.[1]
    if (code && !approval) approval = approveDevice(code, { caPath })
  })
  const code = await login.exit
  await approval
  if (code !== 0) throw new Error(`oauth login exited ${code}: ${login.err.join('\n')}`)
  return login
}

/** A CLI tunnel with --oauth: its port once it listens. */
export async function oauthTunnel(
  configDir: string,
  args: string[],
  localPassword: string,
  jsonLog = true,
): Promise<CliRun & { port: number }> {
  const lab = getLab()
  const r = cli(
    configDir,
    [
      'tunnel',
      '--listen',
      '0',
      '--ca',
      lab.oauth.caPath,
      '--dns',
      lab.dns.server,
      ...(jsonLog ? ['--json-log'] : []),
      ...args,
    ],
    `${localPassword}\n`,
  )
  const port = await waitFor(r, () => {
    const line = r.out.find((l) => l.startsWith('listening on '))
    return line ? Number(/:(\d+) ->/.exec(line)?.[1]) : null
  })
  return Object.assign(r, { port })
}

const PYTHON = `
import imaplib, poplib, smtplib, sys, time
proto, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
extra = sys.argv[5] if len(sys.argv) > 5 else ''
try:
    if proto == 'imap':
        m = imaplib.IMAP4('127.0.0.1', port, timeout=15)
        print('CAPS', ' '.join(m.capabilities))
        print('LOGIN', m.login(user, pw)[0])
        typ, data = m.select('INBOX')
        print('SELECT', typ, data[0].decode())
        if extra.startswith('search:'):
            typ, data = m.search(None, 'SUBJECT', '"' + extra[7:] + '"')
            print('SEARCH', typ, data[0].decode())
        elif extra.startswith('wait:'):
            time.sleep(float(extra[5:]))
            print('NOOP', m.noop()[0])
            typ, data = m.select('INBOX')
            print('SELECT', typ, data[0].decode())
        else:
            typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
            print('FETCH', typ, data[0][1].decode().strip())
        m.logout()
    elif proto == 'pop3':
        p = poplib.POP3('127.0.0.1', port, timeout=15)
        print('GREETING', p.getwelcome().decode())
        p.user(user)
        print('PASS', p.pass_(pw).decode())
        print('STAT', p.stat())
        print('TOP', [l.decode() for l in p.top(1, 0)[1] if l.startswith(b'Subject:')])
        p.quit()
    else:
        s = smtplib.SMTP('127.0.0.1', port, timeout=15)
        s.ehlo('python')
        print('AUTH', s.esmtp_features.get('auth'))
        print('LOGIN', s.login(user, pw)[0])
        msg = 'From: %s\\r\\nTo: %s\\r\\nSubject: %s\\r\\n\\r\\nsent by smtplib\\r\\n' % (user, user, extra)
        print('SENT', s.sendmail(user, [user], msg))
        s.quit()
except Exception as e:
    print('ERROR', type(e).__name__, e)
`

/** One Python client (imaplib, poplib or smtplib) against a tunnel; its printed lines. */
export async function python(protocol: string, port: number, user: string, password: string, extra = '') {
  const r = await run('python3', ['-c', PYTHON, protocol, String(port), user, password, extra], 40_000)
  return r.stdout + r.stderr
}

/** A file of mode 0600 (fetchmail and msmtp refuse readable password files). */
export function privateFile(file: string, text: string): string {
  fs.writeFileSync(file, text, { mode: 0o600 })
  fs.chmodSync(file, 0o600)
  return file
}

/** fetchmail, keeping the mail on the server, delivering into `mbox` through an MDA. */
export async function fetchmail(
  dir: string,
  protocol: 'IMAP' | 'POP3',
  port: number,
  user: string,
  password: string,
) {
  const mbox = path.join(dir, `fetchmail-${protocol}.mbox`)
  const rc = privateFile(
    path.join(dir, `fetchmailrc-${protocol}`),
    `set no bouncemail\npoll 127.0.0.1 service ${port} protocol ${protocol} auth password timeout 15\n` +
      `  user "${user}" password "${password}" keep fetchall sslproto '' no sslcertck\n` +
      `  mda "/bin/sh -c 'cat >> ${mbox}'"\n`,
  )
  const ran = await run(
    'fetchmail',
    ['-f', rc, '--idfile', path.join(dir, `fetchids-${protocol}`), '--nosyslog', '-v'],
    60_000,
  )
  return { ...ran, mbox: fs.existsSync(mbox) ? fs.readFileSync(mbox, 'latin1') : '' }
}

/** msmtp sends one message; `tls` is the local side (off, or STARTTLS checked by fingerprint). */
export async function msmtp(
  dir: string,
  port: number,
  user: string,
  password: string,
  subject: string,
  tls: { fingerprint: string } | null,
) {
  const conf = privateFile(
    path.join(dir, `msmtprc-${port}`),
    `account lab\nhost 127.0.0.1\nport ${port}\nauth plain\nuser ${user}\npassword ${password}\nfrom ${user}\n` +
      (tls ? `tls on\ntls_starttls on\ntls_fingerprint ${tls.fingerprint}\n` : 'tls off\n') +
      'timeout 15\naccount default : lab\n',
  )
  const message = path.join(dir, `msmtp-${port}.eml`)
  fs.writeFileSync(message, `From: ${user}\r\nTo: ${user}\r\nSubject: ${subject}\r\n\r\nsent by msmtp\r\n`)
  return run('sh', ['-c', `msmtp -C "${conf}" -a default "${user}" < "${message}"`], 40_000)
}
