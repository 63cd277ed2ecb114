// `npm run bench:tunnel`: Mailwarden's tunnel beside stunnel (Debian stunnel4, client mode), a
// plain Node pipe (bench/lib/plain-pipe.ts: net + tls.connect + pipe(), Node's defaults; the floor
// any tunnel written in Node should reach) and direct TLS, in one run, interleaved, as ratios.
// Upstreams, verified against the lab CA by every relay: local implicit-TLS servers on lab
// addresses with lab certificates, IMAP (e2e/tunnel/imap-upstream.ts), POP3 and SMTP
// (bench/lib/pop3-upstream.ts, smtp-upstream.ts), and the lab's Dovecot 993 for a real server.
// Measured: an IMAP literal of 64 MiB both ways, a POP3 RETR of a 64 MiB text message and an SMTP
// DATA of 32 MiB (ordinary ~70-character lines, some dot-stuffed: what the line filters of
// `--protocol pop3` and `smtp` read through), each the median of 3 rounds after an untimed one, with
// each relay process's CPU time per MiB (what it costs, apart from the shared cores); NOOP latency p50/p99
// (local server and Dovecot), new connections per second, and 2,000 idle sessions held (RSS and
// descriptors of the relay's process). Targets (issue 16) are printed MET or MISSED at the end.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { getLab } from '../e2e/lab/lab.js'
import { startImapUpstream } from '../e2e/tunnel/imap-upstream.js'
import { makeMessage, prefixOf } from './lib/mail-text.js'
import {
  cases,
  connectionRate,
  idleChild,
  idleStunnel,
  latencies,
  type PerRelay,
  throughput,
} from './lib/phases.js'
import { startPop3Upstream } from './lib/pop3-upstream.js'
import { type Child, Relays, type Upstream } from './lib/processes.js'
import { printReport } from './lib/report.js'
import { startSmtpUpstream } from './lib/smtp-upstream.js'
import type { Target } from './lib/tunnel-clients.js'

const MIB = 1024 * 1024
const IMAP_BYTES = 64 * MIB
const POP3_BYTES = 64 * MIB
const SMTP_BYTES = 32 * MIB
const THROUGHPUT_ROUNDS = 3
const NOOPS = 2000
const LATENCY_ROUNDS = 4
const CONNECTIONS = 600
const CONNECTION_ROUNDS = 3
const PARALLEL = 8
const IDLE_SESSIONS = 2000
const TARGET_IDLE_MB = 150

const lab = getLab()
const certDir = path.join(lab.stateDir, 'certs')
const ca = fs.readFileSync(lab.caPath, 'utf8')
const { dovecot, exim } = lab.good
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-bench-tunnel-'))
const relays = new Relays(work, lab.caPath)

/** The four ways to one upstream: through each relay's port, or TLS straight to it. */
function targetsFor(
  upstream: Upstream,
  mailwarden: Child,
  stunnelPort: number,
  stunnelPid: number,
  pipe: Child,
): PerRelay<Target> {
  return {
    Mailwarden: { label: 'Mailwarden', port: mailwarden.port, pid: mailwarden.process.pid },
    stunnel: { label: 'stunnel', port: stunnelPort, pid: stunnelPid },
    'plain pipe': { label: 'plain pipe', port: pipe.port, pid: pipe.process.pid },
    'direct TLS': {
      label: 'direct TLS',
      port: null,
      tls: { address: upstream.address, port: upstream.port, servername: upstream.host, ca },
    },
  }
}

async function main(): Promise<void> {
  const message = makeMessage(POP3_BYTES)
  const smtpMessage = prefixOf(message, SMTP_BYTES)
  const imapServer = await startImapUpstream(certDir, { bulkBytes: IMAP_BYTES, host: dovecot.address })
  const pop3Server = await startPop3Upstream({ certDir, host: dovecot.address }, message)
  const smtpServer = await startSmtpUpstream({ certDir, host: exim.address })
  const imap: Upstream = { host: dovecot.host, address: dovecot.address, port: imapServer.port }
  const real: Upstream = { host: dovecot.host, address: dovecot.address, port: 993 }
  const pop3: Upstream = { host: 'pop.lab.test', address: dovecot.address, port: pop3Server.port }
  const smtp: Upstream = { host: exim.host, address: exim.address, port: smtpServer.port }
  const upstreams = [imap, real, pop3, smtp]
  const protocols = ['imap', 'imap', 'pop3', 'smtp'] as const
  const mailwardens = await Promise.all(upstreams.map((u, i) => relays.mailwarden(u, protocols[i] ?? 'imap')))
  const pipes = await Promise.all(upstreams.map((u) => relays.plainPipe(u)))
  const stunnel = await relays.stunnel(upstreams)
  const [imapT, realT, pop3T, smtpT] = upstreams.map((u, i) =>
    targetsFor(u, mailwardens[i] as Child, stunnel.ports[i] ?? 0, stunnel.pid, pipes[i] as Child),
  ) as [PerRelay<Target>, PerRelay<Target>, PerRelay<Target>, PerRelay<Target>]

  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
  console.log(`tunnel benchmark: ${os.cpus().length} cores, load ${load}`)
  console.log(
    `upstreams: local TLS IMAP ${dovecot.address}:${imap.port}, POP3 ${dovecot.address}:${pop3.port} (${pop3.host}), SMTP ${exim.address}:${smtp.port} (${smtp.host}); Dovecot ${dovecot.address}:993`,
  )
  console.log(
    `POP3 message: ${message.wire.length} octets on the wire (${message.octets} unstuffed, ${message.dotLines} dot-stuffed lines); SMTP: ${smtpMessage.wire.length} (${smtpMessage.dotLines})\n`,
  )

  const sizes = {
    imapBytes: IMAP_BYTES,
    pop3: message,
    smtp: smtpMessage,
    smtpDelivered: () => smtpServer.lastMessageOctets,
  }
  const rates = await throughput(cases(imapT, pop3T, smtpT, sizes), THROUGHPUT_ROUNDS)
  const noop = await latencies(imapT, NOOPS, LATENCY_ROUNDS, 'OK NOOP')
  const dovecotNoop = await latencies(realT, NOOPS / 2, LATENCY_ROUNDS)
  const connections = await connectionRate(imapT, CONNECTIONS, CONNECTION_ROUNDS, PARALLEL)
  // Fresh processes: the bulk runs leave freed-but-kept memory in the first ones.
  const idle = {
    Mailwarden: await idleChild(() => relays.mailwarden(imap, 'imap'), IDLE_SESSIONS),
    'plain pipe': await idleChild(() => relays.plainPipe(imap), IDLE_SESSIONS),
    stunnel: await idleStunnel(stunnel.pid, stunnel.ports[0] ?? 0, IDLE_SESSIONS),
  }
  printReport({
    throughput: rates,
    noop,
    dovecot: dovecotNoop,
    connections,
    idle,
    idleSessions: IDLE_SESSIONS,
    targetIdleMb: TARGET_IDLE_MB,
  })

  stunnel.stop()
  await Promise.all([...mailwardens, ...pipes].map((c) => c.stop()))
  await Promise.all([imapServer.close(), pop3Server.close(), smtpServer.close()])
  fs.rmSync(work, { recursive: true, force: true })
}

await main()
