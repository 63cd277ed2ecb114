// The benchmark's phases, each run over the four relays in interleaved rounds (a burst of load on
// the shared machine then hits them all alike): throughput (median of the rounds), NOOP latency
// (all round trips of all rounds pooled), new connections per second (all rounds summed), and
// idle sessions held by a fresh relay process (its RSS and descriptors).

import { pop3Retr, smtpData } from './line-clients.js'
import type { WireMessage } from './mail-text.js'
import { type Child, cpuSecondsOf, fdsOf, type Measure, rssOf } from './processes.js'
import {
  bulkDown,
  bulkUp,
  type Conn,
  connectionsPerSecond,
  greeted,
  noopLatencies,
  percentile,
  type Target,
} from './tunnel-clients.js'

export const RELAYS = ['Mailwarden', 'stunnel', 'plain pipe', 'direct TLS'] as const
export type Relay = (typeof RELAYS)[number]
export type PerRelay<T> = Record<Relay, T>

export const median = (xs: number[]) => percentile(xs, 50)

function perRelay<T>(make: (relay: Relay) => T): PerRelay<T> {
  return Object.fromEntries(RELAYS.map((relay) => [relay, make(relay)])) as PerRelay<T>
}

export interface ThroughputCase {
  name: string
  /** MiB moved by one run. */
  mib: number
  targets: PerRelay<Target>
  run(target: Target): Promise<number>
}

/** A throughput case's figures: MiB/s (median), and the relay's CPU ms per MiB (all timed rounds). */
export interface ThroughputFigures {
  rate: PerRelay<number>
  cpuMsPerMib: Partial<PerRelay<number>>
}

/** MiB/s per case and relay: the median of `rounds` rounds after a warm-up round, relays interleaved within a case. */
export async function throughput(
  cases: ThroughputCase[],
  rounds: number,
): Promise<Record<string, ThroughputFigures>> {
  const runs: Record<string, PerRelay<number[]>> = {}
  const cpu: Record<string, PerRelay<number>> = {}
  for (const c of cases) {
    runs[c.name] = perRelay(() => [])
    cpu[c.name] = perRelay(() => 0)
  }
  // One untimed round first, every relay alike: a tunnel is a long-running process, and a Node
  // relay's first 64 MiB after start run while V8 still compiles its code (a third of the speed).
  for (const c of cases) for (const relay of RELAYS) await c.run(c.targets[relay])
  // The relay's own CPU time per MiB: what it costs, whatever the rest of the machine does (the
  // upstream server and the client share the 2 cores with it and bound the MiB/s of all relays).
  for (let round = 0; round < rounds; round++)
    for (const c of cases)
      for (const relay of RELAYS) {
        const pid = c.targets[relay].pid
        const before = pid ? cpuSecondsOf(pid) : 0
        ;(runs[c.name] as PerRelay<number[]>)[relay].push(await c.run(c.targets[relay]))
        if (pid) (cpu[c.name] as PerRelay<number>)[relay] += cpuSecondsOf(pid) - before
      }
  return Object.fromEntries(
    cases.map((c) => {
      const used = cpu[c.name] as PerRelay<number>
      const cpuMsPerMib = Object.fromEntries(
        RELAYS.filter((relay) => c.targets[relay].pid).map((relay) => [
          relay,
          (used[relay] * 1000) / (c.mib * rounds),
        ]),
      ) as Partial<PerRelay<number>>
      return [
        c.name,
        { rate: perRelay((relay) => median((runs[c.name] as PerRelay<number[]>)[relay])), cpuMsPerMib },
      ]
    }),
  )
}

/** NOOP round trips (µs) per relay, `total` each, in `rounds` interleaved connections. */
export async function latencies(
  targets: PerRelay<Target>,
  total: number,
  rounds: number,
  okText?: string,
): Promise<PerRelay<number[]>> {
  const times = perRelay<number[]>(() => [])
  for (let round = 0; round < rounds; round++)
    for (const relay of RELAYS)
      times[relay].push(...(await noopLatencies(targets[relay], total / rounds, okText)))
  return times
}

/** New sessions per second per relay: `total` each in `rounds` interleaved runs, after a warm-up. */
export async function connectionRate(
  targets: PerRelay<Target>,
  total: number,
  rounds: number,
  parallel: number,
): Promise<PerRelay<number>> {
  for (const relay of RELAYS) await connectionsPerSecond(targets[relay], 50, parallel) // session caches
  const seconds = perRelay(() => 0)
  const each = total / rounds
  for (let round = 0; round < rounds; round++)
    for (const relay of RELAYS)
      seconds[relay] += each / (await connectionsPerSecond(targets[relay], each, parallel))
  return perRelay((relay) => total / seconds[relay])
}

export interface IdleFigures {
  base: { rss: number; fds: number }
  loaded: { rss: number; fds: number; heapUsed?: number; active?: number }
  /** Descriptors once every session closed (null: not measured). */
  after: number | null
}

async function holdIdle(port: number, sessions: number): Promise<Conn[]> {
  const conns: Conn[] = []
  for (let i = 0; i < sessions; i += 100) {
    const batch = Array.from({ length: Math.min(100, sessions - i) }, () => greeted({ label: '', port }))
    conns.push(...(await Promise.all(batch)))
  }
  return conns
}

const settle = () => new Promise((r) => setTimeout(r, 500))

/** `sessions` greeted, silent sessions held through a fresh forked relay (Mailwarden, plain pipe). */
export async function idleChild(start: () => Promise<Child>, sessions: number): Promise<IdleFigures> {
  const child = await start()
  await greeted({ label: '', port: child.port }).then((c) => c.close()) // one session: code warmed up
  const base = await child.measure()
  const held = await holdIdle(child.port, sessions)
  await settle()
  const loaded = await child.measure()
  await Promise.all(held.map((c) => c.close()))
  let after: Measure = await child.measure()
  for (let i = 0; i < 100 && after.active > 0; i++) {
    await new Promise((r) => setTimeout(r, 50))
    after = await child.measure()
  }
  await child.stop()
  return { base, loaded, after: after.fds }
}

/** The same through stunnel's long-running process (it has served the other phases too). */
export async function idleStunnel(pid: number, port: number, sessions: number): Promise<IdleFigures> {
  const base = { rss: rssOf(pid), fds: fdsOf(pid) }
  const held = await holdIdle(port, sessions)
  await settle()
  const loaded = { rss: rssOf(pid), fds: fdsOf(pid) }
  await Promise.all(held.map((c) => c.close()))
  await settle()
  return { base, loaded, after: fdsOf(pid) }
}

export function cases(
  imap: PerRelay<Target>,
  pop3: PerRelay<Target>,
  smtp: PerRelay<Target>,
  sizes: { imapBytes: number; pop3: WireMessage; smtp: WireMessage; smtpDelivered: () => number },
): ThroughputCase[] {
  const MIB_PER_MB = 1e6 / (1024 * 1024)
  const mib = (m: WireMessage) => Math.round(m.wire.length / (1024 * 1024))
  return [
    {
      name: 'IMAP literal down',
      mib: sizes.imapBytes / (1024 * 1024),
      targets: imap,
      run: async (t) => (await bulkDown(t, sizes.imapBytes)) * MIB_PER_MB,
    },
    {
      name: 'IMAP literal up',
      mib: sizes.imapBytes / (1024 * 1024),
      targets: imap,
      run: async (t) => (await bulkUp(t, sizes.imapBytes)) * MIB_PER_MB,
    },
    {
      name: `POP3 RETR ${mib(sizes.pop3)} MiB`,
      mib: sizes.pop3.wire.length / (1024 * 1024),
      targets: pop3,
      run: (t) => pop3Retr(t, sizes.pop3),
    },
    {
      name: `SMTP DATA ${mib(sizes.smtp)} MiB`,
      mib: sizes.smtp.wire.length / (1024 * 1024),
      targets: smtp,
      run: (t) => smtpData(t, sizes.smtp, sizes.smtpDelivered),
    },
  ]
}
