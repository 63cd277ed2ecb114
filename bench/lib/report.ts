// The benchmark's printout: one table (each measure a row, each relay a column, then Mailwarden's
// ratios to stunnel and to the plain Node pipe), the idle-session details, and issue 16's targets,
// each MET or MISSED.
import { type IdleFigures, type PerRelay, RELAYS, type Relay, type ThroughputFigures } from './phases.js'
import { percentile } from './tunnel-clients.js'

export interface Figures {
  throughput: Record<string, ThroughputFigures>
  noop: PerRelay<number[]>
  dovecot: PerRelay<number[]>
  connections: PerRelay<number>
  /** Direct TLS holds no sessions for anyone: no idle figure. */
  idle: Record<Exclude<Relay, 'direct TLS'>, IdleFigures>
  idleSessions: number
  targetIdleMb: number
}

interface Row {
  name: string
  values: Partial<PerRelay<number>>
  digits: number
}

const MB = 1024 * 1024
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? Number.NaN : a / b
const cell = (n: number | undefined, digits: number) =>
  n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits)

function rows(f: Figures): Row[] {
  const pct = (xs: PerRelay<number[]>, p: number) =>
    Object.fromEntries(RELAYS.map((r) => [r, percentile(xs[r], p)])) as PerRelay<number>
  return [
    ...Object.entries(f.throughput).map(([name, t]) => ({
      name: `${name} MiB/s`,
      values: t.rate,
      digits: 0,
    })),
    ...Object.entries(f.throughput).map(([name, t]) => ({
      name: `${name.replace(/ \d+ MiB$/, '')} CPU ms/MiB`,
      values: t.cpuMsPerMib,
      digits: 2,
    })),
    { name: 'NOOP p50 µs', values: pct(f.noop, 50), digits: 0 },
    { name: 'NOOP p99 µs', values: pct(f.noop, 99), digits: 0 },
    { name: 'Dovecot NOOP p50 µs', values: pct(f.dovecot, 50), digits: 0 },
    { name: 'Dovecot NOOP p99 µs', values: pct(f.dovecot, 99), digits: 0 },
    { name: 'conn/s', values: f.connections, digits: 0 },
    {
      name: `idle RSS MB (${f.idleSessions})`,
      values: {
        Mailwarden: f.idle.Mailwarden.loaded.rss / MB,
        stunnel: f.idle.stunnel.loaded.rss / MB,
        'plain pipe': f.idle['plain pipe'].loaded.rss / MB,
      },
      digits: 1,
    },
  ]
}

function printTable(f: Figures): void {
  const heads = [...RELAYS, 'Mailwarden/stunnel', 'Mailwarden/plain pipe']
  const widths = heads.map((h) => Math.max(12, h.length + 2))
  const line = (name: string, cells: string[]) =>
    console.log(`${name.padEnd(26)}${cells.map((c, i) => c.padStart(widths[i] ?? 12)).join('')}`)
  line('', heads)
  for (const row of rows(f)) {
    const v = row.values
    line(row.name, [
      ...RELAYS.map((r) => cell(v[r], row.digits)),
      cell(ratio(v.Mailwarden, v.stunnel), 2),
      cell(ratio(v.Mailwarden, v['plain pipe']), 2),
    ])
  }
}

function printIdle(f: Figures): void {
  console.log(
    `\n${f.idleSessions} idle sessions (greeted, then silent), each relay a fresh process but stunnel`,
  )
  for (const [name, i] of Object.entries(f.idle)) {
    const heap = i.loaded.heapUsed === undefined ? '' : ` (heap ${(i.loaded.heapUsed / MB).toFixed(1)} MB)`
    console.log(
      `  ${`${name}:`.padEnd(12)} RSS ${(i.base.rss / MB).toFixed(1)} -> ${(i.loaded.rss / MB).toFixed(1)} MB${heap}, fds ${i.base.fds} -> ${i.loaded.fds} -> ${i.after ?? '?'} after close`,
    )
  }
}

function verdicts(f: Figures): [string, boolean][] {
  const out: [string, boolean][] = []
  const mw = (values: Partial<PerRelay<number>>) => values.Mailwarden ?? Number.NaN
  const vs = (label: string, r: number, limit: number, higherIsBetter: boolean) =>
    out.push([`${label} (${r.toFixed(2)}x)`, higherIsBetter ? r >= limit : r <= limit])
  for (const [name, { rate }] of Object.entries(f.throughput))
    vs(`${name} >= 1.0x stunnel`, ratio(mw(rate), rate.stunnel), 1, true)
  vs('conn/s >= 1.0x stunnel', ratio(f.connections.Mailwarden, f.connections.stunnel), 1, true)
  const p99 = (xs: PerRelay<number[]>, r: Relay) => percentile(xs[r], 99)
  vs('NOOP p99 <= 1.0x stunnel', ratio(p99(f.noop, 'Mailwarden'), p99(f.noop, 'stunnel')), 1, false)
  vs(
    'Dovecot session p99 <= 1.5x stunnel',
    ratio(p99(f.dovecot, 'Mailwarden'), p99(f.dovecot, 'stunnel')),
    1.5,
    false,
  )
  const idle = f.idle.Mailwarden
  out.push([
    `${f.idleSessions} idle sessions < ${f.targetIdleMb} MB (${(idle.loaded.rss / MB).toFixed(1)} MB)`,
    idle.loaded.rss < f.targetIdleMb * MB,
  ])
  out.push([
    `no descriptor left (${idle.base.fds} before, ${idle.after ?? '?'} after)`,
    idle.after !== null && idle.after <= idle.base.fds,
  ])
  const below = Object.entries(f.throughput).filter(([, { rate }]) => mw(rate) < rate['plain pipe'])
  out.push([
    `never below the plain pipe on a throughput row${below.length ? ` (below on: ${below.map(([n]) => n).join(', ')})` : ''}`,
    below.length === 0,
  ])
  return out
}

export function printReport(f: Figures): void {
  printTable(f)
  console.log('(ratios: throughput and conn/s higher is better; latency and RSS lower is better)')
  printIdle(f)
  console.log('\ntargets (issue 16):')
  for (const [name, ok] of verdicts(f)) console.log(`  ${ok ? 'MET   ' : 'MISSED'} ${name}`)
}
