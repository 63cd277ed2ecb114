// `up` and `down`: the order daemons start in, waiting until they listen, and tearing down
// exactly what was started.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeAdminKeys } from './admin-keys.js'
import { ensureCerts } from './certs.js'
import { corpusKeys, dkimTxt, dnsmasqArgs, pidFile as dnsPid, writeDnsmasq } from './dns.js'
import { DNSSEC_ADDR, startDnssec } from './dnssec.js'
import {
  baseDir,
  dovecotArgs,
  pidFile as dovecotPid,
  ensureMailOwner,
  maildir,
  writeDovecot,
} from './dovecot.js'
import { LabError, sleep } from './exec.js'
import { eximArgs, pidFile as eximPid, writeExim } from './exim.js'
import { preauthArgs, preauthLog, preauthPidFile } from './flawed.js'
import type { Lab, LabServer } from './lab.js'
import { NGINX, nginxArgs, pidFile as nginxPid, WEB_URLS, writeNginx } from './nginx.js'
import { oauthPaths, startOAuthServers, writeOAuthServers } from './oauth-servers.js'
import { describeOAuth } from './oauth-state.js'
import { perditionArgs, logFile as perditionLog, UNITS, writePerdition } from './perdition.js'
import {
  labListeners,
  listeners,
  requireBinaries,
  requireFreePorts,
  requireRoot,
  requireSaneStateDir,
} from './preflight.js'
import {
  findOurProcesses,
  isOurs,
  type ProcessRecord,
  pidFilesUnder,
  readPid,
  startDetached,
  startForking,
  stopAll,
} from './procs.js'
import { type LabPaths, paths } from './state.js'
import {
  ADDR,
  ALIASES,
  DKIM,
  DOMAIN,
  HOST,
  LISTENS,
  PORT,
  type ServerKey,
  USER,
  WRONG_HOST_CERT_NAME,
} from './topology.js'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const CORPUS_KEYS = path.resolve(REPO_ROOT, 'e2e', 'corpus', 'dkim-real', 'keys.txt')

type Log = (line: string) => void

function readRecords(p: LabPaths): ProcessRecord[] {
  try {
    return JSON.parse(fs.readFileSync(p.processesFile, 'utf8')) as ProcessRecord[]
  } catch {
    return []
  }
}

function saveRecords(p: LabPaths, records: ProcessRecord[]): void {
  fs.writeFileSync(p.processesFile, JSON.stringify(records, null, 2))
}

/** Up, complete and healthy: state written and every recorded process alive. */
export function isUp(p: LabPaths = paths()): boolean {
  if (!fs.existsSync(p.stateFile)) return false
  const records = readRecords(p)
  return (
    records.length > 0 &&
    records.every((r) => {
      const pid = readPid(r.pidFile)
      return pid !== undefined && isOurs(pid, p.root)
    })
  )
}

async function withLock<T>(p: LabPaths, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(p.root, { recursive: true })
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      fs.writeFileSync(p.lockFile, `${process.pid}\n`, { flag: 'wx' })
      break
    } catch {
      const holder = readPid(p.lockFile)
      const alive = holder !== undefined && fs.existsSync(`/proc/${holder}`)
      if (!alive) {
        fs.rmSync(p.lockFile, { force: true })
        continue
      }
      if (Date.now() > deadline)
        throw new LabError(
          `another lab command (pid ${holder}) holds ${p.lockFile}; wait for it or remove the file`,
        )
      await sleep(200)
    }
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(p.lockFile, { force: true })
  }
}

function server(key: ServerKey, flaw?: string): LabServer {
  return { host: HOST[key], address: ADDR[key], ports: LISTENS[key], ...(flaw ? { flaw } : {}) }
}

export const FLAWS = {
  plaintext: 'no TLS at all; cleartext LOGIN (IMAP) and USER/PASS (POP3) accepted',
  expired: 'certificate from the lab CA, right name, expired on 2025-01-01',
  wrongHost: `certificate from the lab CA for ${WRONG_HOST_CERT_NAME}, not for this host`,
  selfSigned: 'self-signed certificate (right name, not from the lab CA)',
  oldTls: 'only TLS 1.0 and TLS 1.1 (TLS 1.2 and 1.3 refused)',
  authBeforeTls: 'SMTP 587 offers AUTH PLAIN LOGIN before STARTTLS and accepts it in cleartext',
  preauth: 'IMAP greets with PREAUTH: logged in as the test user without any authentication',
} as const

function describeLab(p: LabPaths, dkimPublicKey: string, corpusNames: string[]): Lab {
  return {
    stateDir: p.root,
    domain: DOMAIN,
    caPath: path.join(p.certs, 'ca.pem'),
    dns: { address: ADDR.dns, port: PORT.dns, server: `${ADDR.dns}:${PORT.dns}` },
    dnssec: {
      resolver: `${DNSSEC_ADDR.resolver}:${PORT.dns}`,
      authoritative: `${DNSSEC_ADDR.auth}:${PORT.dns}`,
    },
    ports: { ...PORT },
    user: { name: USER.name, address: USER.address, login: USER.address, password: USER.password },
    maildir: maildir(p),
    dkim: { domain: DKIM.domain, selector: DKIM.selector, txt: dkimTxt(dkimPublicKey) },
    good: {
      dovecot: server('dovecot'),
      exim: server('exim'),
      perdition: server('perdition'),
      backend: server('backend'),
    },
    flawed: {
      plaintext: server('plaintext', FLAWS.plaintext),
      expired: server('expired', FLAWS.expired),
      wrongHost: server('wrongHost', FLAWS.wrongHost),
      selfSigned: server('selfSigned', FLAWS.selfSigned),
      oldTls: server('oldTls', FLAWS.oldTls),
      authBeforeTls: server('authBeforeTls', FLAWS.authBeforeTls),
      preauth: server('preauth', FLAWS.preauth),
    },
    web: { ...server('web'), urls: { ...WEB_URLS } },
    oauth: describeOAuth(path.join(p.certs, 'ca.pem'), oauthPaths(p).home),
    aliases: Object.fromEntries(Object.entries(ALIASES).map(([name, key]) => [name, ADDR[key]])),
    wrongHostCertName: WRONG_HOST_CERT_NAME,
    corpusDkimNames: corpusNames,
    startedAt: new Date().toISOString(),
  }
}

function expectedSockets(): { proto: 'tcp' | 'udp'; address: string; port: number }[] {
  const out: { proto: 'tcp' | 'udp'; address: string; port: number }[] = []
  for (const [key, ports] of Object.entries(LISTENS) as [ServerKey, readonly number[]][]) {
    for (const port of ports) out.push({ proto: 'tcp', address: ADDR[key], port })
  }
  out.push({ proto: 'udp', address: ADDR.dns, port: PORT.dns })
  return out
}

async function waitListening(timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  let missing: string[] = []
  do {
    const now = listeners()
    missing = expectedSockets()
      .filter((e) => !now.some((l) => l.proto === e.proto && l.address === e.address && l.port === e.port))
      .map((e) => `${e.address}:${e.port}/${e.proto}`)
    if (missing.length === 0) return []
    await sleep(100)
  } while (Date.now() < deadline)
  return missing
}

function startLog(p: LabPaths, name: string): string {
  return path.join(p.log, `${name}.start.log`)
}

function wipeRuntime(p: LabPaths): void {
  for (const d of [p.run, p.conf, p.spool, p.mail]) fs.rmSync(d, { recursive: true, force: true })
  fs.rmSync(p.stateFile, { force: true })
  fs.rmSync(p.processesFile, { force: true })
}

export async function up(log: Log = console.log): Promise<{ started: boolean; seconds: number }> {
  const t0 = Date.now()
  requireRoot()
  requireBinaries()
  const p = paths()
  requireSaneStateDir(p.root)
  return withLock(p, async () => {
    if (isUp(p)) {
      log(`lab already up (state: ${p.stateFile})`)
      return { started: false, seconds: 0 }
    }
    // Leftovers of a crashed or half-finished run: stop them before checking ports.
    if (readRecords(p).length > 0 || findOurProcesses(p.root).length > 0) {
      log('cleaning up a previous lab that is not healthy')
      await stopAll(
        [...readRecords(p), ...pidFilesUnder(p.run).map((f) => ({ name: f, pidFile: f }))],
        p.root,
      )
      await waitNothingListening(3000)
    }
    requireFreePorts()
    wipeRuntime(p)
    fs.rmSync(p.log, { recursive: true, force: true })
    for (const d of [p.run, p.log, p.conf, p.spool, p.mail]) fs.mkdirSync(d, { recursive: true, mode: 0o755 })
    fs.chmodSync(p.root, 0o755) // daemons that dropped privileges must reach their files

    const { set: certs, cached } = await ensureCerts(p.certs)
    log(
      cached
        ? 'certificates: cached'
        : 'certificates: generated (lab CA, server certs, expired, wrong host, self-signed, DKIM key)',
    )
    const owner = ensureMailOwner()
    const corpus = corpusKeys(CORPUS_KEYS)
    if (corpus.warning) log(`warning: ${corpus.warning}`)
    writeDovecot(p, certs, owner)
    writeExim(p, certs)
    writeDnsmasq(p, certs.dkim.publicKeyBase64, corpus.records, makeAdminKeys(p.root))
    writePerdition(p, certs)
    writeNginx(p, certs)
    writeOAuthServers(p, certs, owner)

    const records: ProcessRecord[] = []
    const started = (r: ProcessRecord) => {
      records.push(r)
      saveRecords(p, records)
    }
    try {
      started(startForking('dnsmasq', '/usr/sbin/dnsmasq', dnsmasqArgs(p), dnsPid(p), startLog(p, 'dnsmasq')))
      for (const inst of ['main', 'plain', 'oldtls'] as const) {
        fs.mkdirSync(baseDir(p, inst), { recursive: true })
        started(
          startForking(
            `dovecot-${inst}`,
            '/usr/sbin/dovecot',
            dovecotArgs(p, inst),
            dovecotPid(p, inst),
            startLog(p, `dovecot-${inst}`),
          ),
        )
      }
      for (const inst of ['main', 'authplain'] as const) {
        started(
          startForking(
            `exim-${inst}`,
            '/usr/sbin/exim4',
            eximArgs(p, inst),
            eximPid(p, inst),
            startLog(p, `exim-${inst}`),
          ),
        )
      }
      for (const u of UNITS) {
        started(
          startDetached(
            `perdition-${u.id}`,
            `/usr/sbin/${u.binary}`,
            perditionArgs(p, u),
            path.join(p.run, `perdition-${u.id}.spawn.pid`),
            perditionLog(p, u),
          ),
        )
      }
      started(startForking('nginx', NGINX, nginxArgs(p), nginxPid(p), startLog(p, 'nginx')))
      started(startDetached('preauth', '/usr/bin/socat', preauthArgs(p), preauthPidFile(p), preauthLog(p)))
      // Issue 18: the OAuth provider, the OAuth-only Dovecot and its submission Exim.
      for (const r of startOAuthServers(p, (name) => startLog(p, name))) started(r)
      // The signed zone and the validating resolver of the DANE checks (fresh keys at every start).
      for (const r of (await startDnssec(path.join(p.run, 'dnssec'), p.certs)).processes) started(r)

      const missing = await waitListening(15_000)
      if (missing.length > 0) {
        throw new LabError(
          `lab did not come up: nothing listens on ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` (+${missing.length - 4} more)` : ''}; see logs in ${p.log}`,
        )
      }
    } catch (err) {
      await stopAll(records, p.root)
      throw err
    }

    const lab = describeLab(
      p,
      certs.dkim.publicKeyBase64,
      corpus.records.map((r) => r.name),
    )
    fs.writeFileSync(p.stateFile, JSON.stringify({ lab }, null, 2))
    const seconds = (Date.now() - t0) / 1000
    log(`lab up in ${seconds.toFixed(1)} s: ${records.length} processes, state in ${p.stateFile}`)
    return { started: true, seconds }
  })
}

async function waitNothingListening(timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  let left = labListeners()
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100)
    left = labListeners()
  }
  return left.map((l) => `${l.address}:${l.port}/${l.proto} (${l.process})`)
}

export async function down(log: Log = console.log): Promise<void> {
  requireRoot()
  const p = paths()
  if (!fs.existsSync(p.root)) {
    log('lab not up (nothing to stop)')
    return
  }
  await withLock(p, async () => {
    const records = [
      ...readRecords(p),
      ...pidFilesUnder(p.run).map((f) => ({ name: path.basename(f), pidFile: f })),
    ]
    const stopped = await stopAll(records, p.root)
    const left = await waitNothingListening(5000)
    wipeRuntime(p)
    if (left.length > 0)
      throw new LabError(`lab stopped ${stopped} processes but these still listen: ${left.join(', ')}`)
    log(
      stopped > 0
        ? `lab down: stopped ${stopped} processes, nothing listens on lab addresses`
        : 'lab not up (nothing to stop); nothing listens on lab addresses',
    )
  })
}
