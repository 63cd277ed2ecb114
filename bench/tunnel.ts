// `npm run bench:tunnel`: the tunnel beside stunnel (Debian stunnel4, client mode, same upstream,
// same run) and direct TLS, printed as ratios. Upstream: a local IMAP-ish TLS server on a lab
// address (e2e/tunnel/imap-upstream.ts, the lab's imap.lab.test certificate, verified against the
// lab CA by all three), plus the lab's Dovecot 993 for a realistic IMAP round trip. Measured:
// bulk throughput both ways (one 64 MiB literal), NOOP latency p50/p99, new connections per
// second, and 2,000 idle sessions held by the tunnel (run in a child process: its RSS and fds).
// Targets (issue 8): throughput and connections/s at least stunnel's, p99 no worse than stunnel's,
// 2,000 sessions under 150 MB, no descriptor leaked.
import { type ChildProcess, fork, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { getLab } from '../e2e/lab/lab.js'
import { startImapUpstream } from '../e2e/tunnel/imap-upstream.js'
import {
  bulkDown,
  bulkUp,
  type Conn,
  connectionsPerSecond,
  greeted,
  noopLatencies,
  percentile,
  type Target,
} from './lib/tunnel-clients.js'

const BULK_BYTES = 64 * 1024 * 1024
const BULK_RUNS = 3
const NOOPS = 2000
const CONNECTIONS = 600
const PARALLEL = 8
const IDLE_SESSIONS = 2000
const TARGET_IDLE_MB = 150

const lab = getLab()
const certDir = path.join(lab.stateDir, 'certs')
const ca = fs.readFileSync(lab.caPath, 'utf8')
const dovecot = lab.good.dovecot
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-bench-tunnel-'))

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing listens on ${port}`)
}

interface Child {
  process: ChildProcess
  port: number
  measure(): Promise<{ rss: number; heapUsed: number; fds: number; active: number }>
  stop(): Promise<void>
}

/** The tunnel bundled (no TypeScript loader in the measured process) and forked. */
async function startMailwarden(upstreamPort: number, upstreamHost: string, address: string): Promise<Child> {
  const bundle = path.join(work, 'tunnel-child.mjs')
  if (!fs.existsSync(bundle))
    await build({
      entryPoints: [path.join(import.meta.dirname, 'lib/tunnel-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'error',
    })
  const config = {
    id: 'bench',
    name: 'bench',
    listenPort: 0,
    upstreamHost,
    upstreamPort,
    mode: 'implicit-tls',
    protocol: 'imap',
    caFile: lab.caPath,
  }
  const child = fork(bundle, [JSON.stringify(config), address], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port))
    child.once('exit', (code) => reject(new Error(`tunnel child exited ${code}`)))
  })
  return {
    process: child,
    port,
    measure: () =>
      new Promise((resolve) => {
        child.once('message', resolve as (m: unknown) => void)
        child.send('measure')
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}

async function startStunnel(
  services: { name: string; connect: string }[],
): Promise<{ ports: number[]; pid: number; stop(): void }> {
  const ports: number[] = []
  let conf = `foreground = yes\npid =\ndebug = err\n`
  for (const service of services) {
    const port = await freePort()
    ports.push(port)
    conf += `[${service.name}]\nclient = yes\naccept = 127.0.0.1:${port}\nconnect = ${service.connect}\nverifyChain = yes\nCAfile = ${lab.caPath}\ncheckHost = ${dovecot.host}\nsni = ${dovecot.host}\nsslVersionMin = TLSv1.2\n`
  }
  const file = path.join(work, 'stunnel.conf')
  fs.writeFileSync(file, conf)
  const child = spawn('stunnel4', [file], { stdio: ['ignore', 'ignore', 'inherit'] })
  for (const port of ports) await waitListening(port)
  return { ports, pid: child.pid ?? 0, stop: () => child.kill('SIGTERM') }
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}
function fdsOf(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length
}

const median = (xs: number[]) => percentile(xs, 50)
const fmt = (n: number, digits = 0) => n.toFixed(digits)

async function main(): Promise<void> {
  const upstream = await startImapUpstream(certDir, { bulkBytes: BULK_BYTES, host: dovecot.address })
  const mailwarden = await startMailwarden(upstream.port, dovecot.host, dovecot.address)
  const mailwardenDovecot = await startMailwarden(993, dovecot.host, dovecot.address)
  const stunnel = await startStunnel([
    { name: 'fake', connect: `${dovecot.address}:${upstream.port}` },
    { name: 'dovecot', connect: `${dovecot.address}:993` },
  ])
  const direct = (port: number): Target => ({
    label: 'direct TLS',
    port: null,
    tls: { address: dovecot.address, port, servername: dovecot.host, ca },
  })
  const targets: Target[] = [
    { label: 'Mailwarden', port: mailwarden.port },
    { label: 'stunnel', port: stunnel.ports[0] ?? 0 },
    direct(upstream.port),
  ]
  const dovecotTargets: Target[] = [
    { label: 'Mailwarden', port: mailwardenDovecot.port },
    { label: 'stunnel', port: stunnel.ports[1] ?? 0 },
    direct(993),
  ]

  console.log(
    `tunnel benchmark: ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  console.log(
    `upstream: local TLS IMAP server on ${dovecot.address}:${upstream.port} (lab certificate), and Dovecot ${dovecot.address}:993\n`,
  )

  const rows: Record<string, Record<string, number>> = {}
  for (const t of targets) rows[t.label] = {}
  // Interleaved rounds, so a burst of load on the shared machine hits all three alike.
  for (let round = 0; round < BULK_RUNS; round++)
    for (const t of targets) {
      const row = rows[t.label] as Record<string, number>
      row[`down${round}`] = await bulkDown(t, BULK_BYTES)
      row[`up${round}`] = await bulkUp(t, BULK_BYTES)
    }
  const latency: Record<string, number[]> = {}
  const latencyDovecot: Record<string, number[]> = {}
  for (const t of targets) latency[t.label] = await noopLatencies(t, NOOPS, 'OK NOOP')
  for (const t of dovecotTargets) latencyDovecot[t.label] = await noopLatencies(t, NOOPS / 2)
  const cps: Record<string, number> = {}
  for (const t of targets) await connectionsPerSecond(t, 50, PARALLEL) // warm-up: session caches
  for (const t of targets) cps[t.label] = await connectionsPerSecond(t, CONNECTIONS, PARALLEL)

  const pick = (label: string, kind: 'down' | 'up') =>
    median(Array.from({ length: BULK_RUNS }, (_, i) => rows[label]?.[`${kind}${i}`] ?? 0))
  console.log(
    '                     bulk down MB/s  bulk up MB/s  NOOP p50 µs  NOOP p99 µs  Dovecot p50/p99 µs  conn/s',
  )
  for (const t of targets) {
    const l = latency[t.label] ?? []
    const d = latencyDovecot[t.label] ?? []
    console.log(
      `${t.label.padEnd(20)} ${fmt(pick(t.label, 'down')).padStart(14)} ${fmt(pick(t.label, 'up')).padStart(13)} ${fmt(percentile(l, 50)).padStart(12)} ${fmt(percentile(l, 99)).padStart(12)} ${`${fmt(percentile(d, 50))}/${fmt(percentile(d, 99))}`.padStart(19)} ${fmt(cps[t.label] ?? 0).padStart(7)}`,
    )
  }
  const ratio = (a: number, b: number) => (a / b).toFixed(2)
  const mw = 'Mailwarden'
  console.log(
    '\nratios Mailwarden / stunnel (throughput and conn/s: higher is better; latency: lower is better)',
  )
  console.log(
    `  bulk down ${ratio(pick(mw, 'down'), pick('stunnel', 'down'))}, bulk up ${ratio(pick(mw, 'up'), pick('stunnel', 'up'))}, conn/s ${ratio(cps[mw] ?? 0, cps.stunnel ?? 1)}`,
  )
  console.log(
    `  NOOP p50 ${ratio(percentile(latency[mw] ?? [], 50), percentile(latency.stunnel ?? [], 50))}, p99 ${ratio(percentile(latency[mw] ?? [], 99), percentile(latency.stunnel ?? [], 99))}; Dovecot p50 ${ratio(percentile(latencyDovecot[mw] ?? [], 50), percentile(latencyDovecot.stunnel ?? [], 50))}, p99 ${ratio(percentile(latencyDovecot[mw] ?? [], 99), percentile(latencyDovecot.stunnel ?? [], 99))}`,
  )
  console.log('ratios Mailwarden / direct TLS')
  console.log(
    `  bulk down ${ratio(pick(mw, 'down'), pick('direct TLS', 'down'))}, bulk up ${ratio(pick(mw, 'up'), pick('direct TLS', 'up'))}, conn/s ${ratio(cps[mw] ?? 0, cps['direct TLS'] ?? 1)}, NOOP p99 ${ratio(percentile(latency[mw] ?? [], 99), percentile(latency['direct TLS'] ?? [], 99))}`,
  )

  // 2,000 idle sessions held open through the tunnel (and through stunnel, for comparison).
  const idle = async (port: number): Promise<Conn[]> => {
    const conns: Conn[] = []
    for (let i = 0; i < IDLE_SESSIONS; i += 100)
      conns.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, IDLE_SESSIONS - i) }, () => greeted({ label: '', port })),
        )),
      )
    return conns
  }
  // A fresh tunnel process: the bulk runs above leave freed-but-kept memory in the first one.
  const fresh = await startMailwarden(upstream.port, dovecot.host, dovecot.address)
  await greeted({ label: '', port: fresh.port }).then((c) => c.close()) // one session: code warmed up
  const base = await fresh.measure()
  const held = await idle(fresh.port)
  await new Promise((r) => setTimeout(r, 500))
  const loaded = await fresh.measure()
  await Promise.all(held.map((c) => c.close()))
  for (let i = 0; i < 100 && (await fresh.measure()).active > 0; i++)
    await new Promise((r) => setTimeout(r, 50))
  const after = await fresh.measure()
  await fresh.stop()
  const stunnelBase = { rss: rssOf(stunnel.pid), fds: fdsOf(stunnel.pid) }
  const heldS = await idle(stunnel.ports[0] ?? 0)
  await new Promise((r) => setTimeout(r, 500))
  const stunnelLoaded = { rss: rssOf(stunnel.pid), fds: fdsOf(stunnel.pid) }
  await Promise.all(heldS.map((c) => c.close()))
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
  console.log(`\n${IDLE_SESSIONS} idle sessions (greeted, then silent)`)
  console.log(
    `  Mailwarden: RSS ${mb(base.rss)} -> ${mb(loaded.rss)} MB (heap ${mb(loaded.heapUsed)} MB), fds ${base.fds} -> ${loaded.fds} -> ${after.fds} after close; ${loaded.active} active while held`,
  )
  console.log(
    `  stunnel:    RSS ${mb(stunnelBase.rss)} -> ${mb(stunnelLoaded.rss)} MB, fds ${stunnelBase.fds} -> ${stunnelLoaded.fds}`,
  )
  const verdicts = [
    ['throughput down >= stunnel', pick(mw, 'down') >= pick('stunnel', 'down')],
    ['throughput up >= stunnel', pick(mw, 'up') >= pick('stunnel', 'up')],
    ['conn/s >= stunnel', (cps[mw] ?? 0) >= (cps.stunnel ?? 0)],
    ['NOOP p99 <= stunnel', percentile(latency[mw] ?? [], 99) <= percentile(latency.stunnel ?? [], 99)],
    [`${IDLE_SESSIONS} sessions < ${TARGET_IDLE_MB} MB`, loaded.rss < TARGET_IDLE_MB * 1024 * 1024],
    ['no descriptor leaked', after.fds <= base.fds],
  ] as const
  console.log(`\ntargets: ${verdicts.map(([name, ok]) => `${ok ? 'MET' : 'MISSED'} ${name}`).join('; ')}`)

  stunnel.stop()
  await mailwarden.stop()
  await mailwardenDovecot.stop()
  await upstream.close()
  fs.rmSync(work, { recursive: true, force: true })
}

await main()
