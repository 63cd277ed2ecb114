// What the benchmark prints: the machine, one table per input kind (rows = sizes, columns =
// messages/s per verifier, median of the runs with the best on the line below, and the two ratios
// the issue asks about), and the targets with met / NOT met.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { CorpusSet } from './corpus.js'
import { type Results, rates, resultKey } from './measure.js'
import type { InputKind, Verifier } from './verifiers.js'

export const TARGETS = {
  /** Mailwarden's CLI (--workers 2) over mailauth's in-process loop, 1 KB and 50 KB messages. */
  smallRatio: 5,
  smallStretch: 10,
  /** The same on 5 MB messages. */
  bigRatio: 2,
  /** "--workers 2 clearly faster than --workers 1": read as at least this much faster. */
  workersGain: 1.5,
  peakMb: 150,
} as const

export const KIND_TITLES: Record<InputKind, string> = {
  maildir: 'Directory (a Maildir: one file per message in cur/)',
  mbox: 'mbox (mboxrd, the same messages in one file)',
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return '?'
  }
}

export function machineLines(root: string): string[] {
  const mailauth = JSON.parse(
    readFileSync(path.join(root, 'node_modules/mailauth/package.json'), 'utf8'),
  ) as { version: string }
  const dkimpy = run('/usr/bin/python3', ['-c', 'import importlib.metadata as m; print(m.version("dkimpy"))'])
  const commit = run('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])
  const dirty = run('git', ['-C', root, 'status', '--porcelain', '--', 'core', 'shared']) ? ' + changes' : ''
  return [
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores (availableParallelism), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB`,
    `Node ${process.version}, mailauth ${mailauth.version}, dkimpy ${dkimpy}, Mailwarden ${commit}${dirty}`,
    `Load average at start: ${loadAverage()}`,
  ]
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

export function perSecond(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: n < 100 ? 1 : 0 })
}

const ratio = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)}x`

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`
}

function formatTable(rows: string[][], rightFrom = 1): string[] {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  const line = (r: string[]) =>
    r
      .map((cell, c) =>
        c < rightFrom ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number),
      )
      .join('  ')
      .trimEnd()
  return [line(rows[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)]
}

export interface Columns {
  all: Verifier[]
  workers1: Verifier
  workers2: Verifier
  loop: Verifier
  /** The floor: its ratio to the loop bounds what any Node verifier can reach. */
  floor: Verifier
  /** The floor on one thread: what two threads can gain over one at best. */
  floor1: Verifier
}

export function tableLines(
  results: Results,
  sets: CorpusSet[],
  kind: InputKind,
  columns: Columns,
  runs: number,
): string[] {
  const notes: string[] = []
  const rows: string[][] = [
    ['size', 'messages', 'avg', ...columns.all.map((v) => v.label), 'w2 / loop', 'floor / loop', 'w2 / w1'],
  ]
  for (const set of sets) {
    const count = set.spec.count
    const figure = (v: Verifier) => rates(results.get(resultKey(set, kind, v)), count)
    const median: string[] = []
    const best: string[] = []
    for (const v of columns.all) {
      const r = figure(v)
      if (r) {
        median.push(perSecond(r.median))
        best.push(perSecond(r.best))
        continue
      }
      const why = results.get(resultKey(set, kind, v))?.invalid ?? 'not measured'
      notes.push(`[${notes.length + 1}] ${v.label}, ${set.spec.label}: ${why}`)
      median.push(`n/a [${notes.length}]`)
      best.push('')
    }
    const [w1, w2, loop, floor] = [columns.workers1, columns.workers2, columns.loop, columns.floor].map(
      figure,
    )
    rows.push([
      set.spec.label,
      count.toLocaleString('en-US'),
      kb(set.totalBytes / count),
      ...median,
      w2 && loop ? ratio(w2.median / loop.median) : 'n/a',
      floor && loop ? ratio(floor.median / loop.median) : 'n/a',
      w2 && w1 ? ratio(w2.median / w1.median) : 'n/a',
    ])
    rows.push([
      '  best',
      '',
      '',
      ...best,
      w2 && loop ? ratio(w2.best / loop.best) : '',
      floor && loop ? ratio(floor.best / loop.best) : '',
      w2 && w1 ? ratio(w2.best / w1.best) : '',
    ])
  }
  return [
    `${KIND_TITLES[kind]}: messages/s, median of ${runs} run${runs === 1 ? '' : 's'} (the best below it)`,
    ...formatTable(rows, 1),
    ...notes,
  ]
}

export function targetLines(
  results: Results,
  sets: CorpusSet[],
  kinds: InputKind[],
  columns: Columns,
): string[] {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met')
  const lines = [
    'Targets (issue 15; medians; "w2" = Mailwarden --workers 2, "loop" = mailauth in-process loop):',
  ]
  for (const kind of kinds) {
    for (const set of sets) {
      const count = set.spec.count
      const w2 = rates(results.get(resultKey(set, kind, columns.workers2)), count)
      const loop = rates(results.get(resultKey(set, kind, columns.loop)), count)
      const floor = rates(results.get(resultKey(set, kind, columns.floor)), count)
      const big = set.spec.bytes > 1024 * 1024
      const need = big ? TARGETS.bigRatio : TARGETS.smallRatio
      const stretch = big
        ? ''
        : `, stretch ${TARGETS.smallStretch}x${w2 && loop && w2.median / loop.median >= TARGETS.smallStretch ? ' reached' : ''}`
      const what = `  ${kind.padEnd(7)} ${set.spec.label.padEnd(5)} w2 >= ${need}x loop${stretch}:`
      // Where even the floor stays below the target, no Node verifier can meet it on this machine.
      const bound =
        floor && loop
          ? floor.median / loop.median < need
            ? ` (the floor reaches ${ratio(floor.median / loop.median)}: out of reach here)`
            : ` (the floor reaches ${ratio(floor.median / loop.median)})`
          : ''
      lines.push(
        w2 && loop
          ? `${what} ${ratio(w2.median / loop.median)}, ${met(w2.median / loop.median >= need)}${bound}`
          : `${what} no figure (see the table)`,
      )
    }
  }
  for (const kind of kinds) {
    const gains = sets.map((set) => {
      const w1 = rates(results.get(resultKey(set, kind, columns.workers1)), set.spec.count)
      const w2 = rates(results.get(resultKey(set, kind, columns.workers2)), set.spec.count)
      return w1 && w2 ? w2.median / w1.median : null
    })
    const floorGains = sets.map((set) => {
      const f1 = rates(results.get(resultKey(set, kind, columns.floor1)), set.spec.count)
      const f2 = rates(results.get(resultKey(set, kind, columns.floor)), set.spec.count)
      return f1 && f2 ? ` (floor ${ratio(f2.median / f1.median)})` : ''
    })
    const shown = gains
      .map((g, i) => `${sets[i]?.spec.label} ${g === null ? 'n/a' : ratio(g)}${floorGains[i]}`)
      .join(', ')
    const ok = gains.every((g) => g !== null && g >= TARGETS.workersGain)
    lines.push(
      `  ${kind.padEnd(7)} --workers 2 clearly faster than 1 (>= ${TARGETS.workersGain}x): ${shown}; ${met(ok)}`,
    )
  }
  return lines
}
