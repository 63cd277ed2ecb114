// `npm run bench:domain`: the wall time of `mailwarden domain check` as a user runs it (the built
// CLI, `node dist/cli.mjs`, start-up included; built first when dist/ is older than its sources),
// beside the peers a user would reach for, each run the same way (a fresh process) in the same run:
// opendkim-testkey for a DKIM key record, python3-spf for SPF, mailauth's DMARC lookup (a small node
// script). Median of RUNS; the peers each do one part of what domain check does, so the table shows
// the whole check against the sum of the peers too. Speed is printed, never asserted.
//
// The domain: the lab's lab.test, the one lab domain with MX (mail.lab.test, STARTTLS on 25), an
// enforced MTA-STS policy, TLS-RPT, SPF and DMARC p=reject. It publishes one DKIM selector (mwlab);
// no lab domain has two selectors AND MX, so the check asks two with --selector: mwlab and s2026a
// (good.lab.test's selector, absent at lab.test: one more lookup, answered NXDOMAIN).
//
// opendkim-testkey resolves through libunbound; its -x file names an unbound file
// (`ResolverConfiguration`) that lifts unbound's built-in local zone for `test.` (RFC 6761: answered
// NXDOMAIN without any query) and forwards to the lab DNS (core/domain/check/test-support/
// opendkim.ts). So it really looks mwlab up there; each run must say "key OK".
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { OPENDKIM_TESTKEY, writeTestkeyConfig } from '../core/domain/check/test-support/opendkim.js'
import { getLab } from '../e2e/lab/lab.js'
import { ensureBuilt } from './dkim/build.js'

const RUNS = 5
/** One run of anything here is seconds at worst; past this it is stuck. */
const RUN_TIMEOUT_MS = 60_000
const TARGET_MS = 1000
const SELECTORS = ['mwlab', 's2026a']

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const lab = getLab()
const domain = lab.domain
const dnsHost = lab.dns.server.split(':')[0] as string

interface Run {
  ms: number
  code: number | null
  stdout: string
  stderr: string
}

function timeCommand(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 1_000_000) stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 100_000) stderr += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ ms: performance.now() - t0, code, stdout, stderr })
    })
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

interface Tool {
  name: string
  what: string
  command: string
  args: string[]
  /** A problem with the run's output (wrong result), or null. */
  check(run: Run): string | null
}

function mailwardenCheck(run: Run, mx: boolean): string | null {
  if (run.code !== 1)
    return `exit ${run.code} (expected 1: s2026a is absent at ${domain}): ${run.stderr.slice(0, 200)}`
  const report = JSON.parse(run.stdout) as {
    dkim: { selectors: { status: string }[] }
    spf: { record: string | null }
    dmarc: { record: string | null }
    mx: { kind: string; mtaSts: { facts: { policy: { mode: string } | null } } | null } | null
    dane: unknown
  }
  if (report.dkim.selectors.map((s) => s.status).join() !== 'key,absent')
    return 'DKIM selectors not as expected'
  if (!report.spf.record || !report.dmarc.record) return 'SPF or DMARC record missing'
  if (mx && (report.mx?.kind !== 'mx' || report.mx.mtaSts?.facts.policy?.mode !== 'enforce' || !report.dane))
    return 'MX, MTA-STS or DANE missing'
  return null
}

async function tools(dir: string): Promise<Tool[]> {
  const cli = ensureBuilt(root, (line) => console.log(line))
  const odkConf = await writeTestkeyConfig(dir, { forwardTo: lab.dns.server })
  const base = ['domain', 'check', domain, ...SELECTORS.flatMap((s) => ['--selector', s])]
  const spfCode = [
    'import sys, dns.resolver, spf',
    'r = dns.resolver.Resolver(configure=False)',
    `r.nameservers = ['${dnsHost}']`,
    `r.port = ${Number(lab.dns.server.split(':')[1] ?? 53)}`,
    'r.lifetime = 4',
    'dns.resolver.default_resolver = r',
    `print(spf.check2(i='192.0.2.1', s='postmaster@${domain}', h='peer.invalid', timeout=10, querytime=4))`,
  ].join('\n')
  return [
    {
      name: 'mailwarden domain check',
      what: `all phases: 2 selectors, DomainKeys, SPF, DMARC, MX + port 25 + MTA-STS + TLS-RPT, DANE`,
      command: process.execPath,
      args: [cli, ...base, '--dns', lab.dns.server, '--ca', lab.caPath, '--json'],
      check: (run) => mailwardenCheck(run, true),
    },
    {
      name: 'mailwarden domain check --no-mx',
      what: 'records only: 2 selectors, DomainKeys, SPF, DMARC',
      command: process.execPath,
      args: [cli, ...base, '--dns', lab.dns.server, '--no-mx', '--json'],
      check: (run) => mailwardenCheck(run, false),
    },
    {
      name: 'opendkim-testkey',
      what: 'one selector (mwlab), looked up in the lab DNS through libunbound',
      command: OPENDKIM_TESTKEY,
      args: ['-x', odkConf, '-d', domain, '-s', 'mwlab', '-vvv'],
      check: (run) =>
        run.code === 0 && /key OK/.test(run.stdout)
          ? null
          : `exit ${run.code}: ${run.stdout.slice(0, 100)} ${run.stderr.slice(0, 200)}`,
    },
    {
      name: 'python3-spf',
      what: 'SPF result for an unlisted sender (spf.check2)',
      command: '/usr/bin/python3',
      args: ['-c', spfCode],
      check: (run) =>
        /'fail'/.test(run.stdout)
          ? null
          : `unexpected: ${run.stdout.slice(0, 200)} ${run.stderr.slice(0, 200)}`,
    },
    {
      name: 'mailauth DMARC lookup',
      what: 'DMARC record discovery (RFC 9989 tree walk), node script',
      command: process.execPath,
      args: [path.join(root, 'bench/domain/mailauth-dmarc.mjs'), lab.dns.server, domain],
      check: (run) => (/"p":"reject"/.test(run.stdout) ? null : `unexpected: ${run.stdout.slice(0, 200)}`),
    },
  ]
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-bench-domain-'))
  try {
    const list = await tools(dir)
    console.log(
      `Domain: ${domain} (DNS ${lab.dns.server}), --selector ${SELECTORS.join(' --selector ')}; ${RUNS} runs each, median wall time, start-up included.\n`,
    )
    const medians = new Map<string, number>()
    const rows: string[][] = []
    // Interleaved (one run of each tool per round) so a slow moment of the machine hits all alike.
    const times = new Map<string, number[]>(list.map((t) => [t.name, []]))
    const problems = new Map<string, string>()
    for (let round = 0; round < RUNS; round++)
      for (const tool of list) {
        const run = await timeCommand(tool.command, tool.args)
        times.get(tool.name)?.push(run.ms)
        const problem = tool.check(run)
        if (problem && !problems.has(tool.name)) problems.set(tool.name, problem)
      }
    for (const tool of list) {
      const ms = median(times.get(tool.name) ?? [])
      medians.set(tool.name, ms)
      rows.push([tool.name, `${Math.round(ms)} ms`, tool.what])
    }
    const full = medians.get('mailwarden domain check') ?? Number.NaN
    const recordsOnly = medians.get('mailwarden domain check --no-mx') ?? Number.NaN
    const peers = list.slice(2).reduce((sum, t) => sum + (medians.get(t.name) ?? 0), 0)
    const width = [0, 1].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)))
    for (const r of rows)
      console.log(
        `${(r[0] as string).padEnd(width[0] as number)}  ${(r[1] as string).padStart(width[1] as number)}  ${r[2]}`,
      )
    console.log(
      `\nThe three peers one after another: ${Math.round(peers)} ms (each covers one part; none checks MX, MTA-STS or DANE).`,
    )
    for (const tool of list.slice(2)) {
      const ms = medians.get(tool.name) ?? Number.NaN
      console.log(
        `  ${tool.name}: ${(recordsOnly / ms).toFixed(2)}× its time for mailwarden --no-mx, ${(full / ms).toFixed(2)}× for the whole check`,
      )
    }
    console.log(
      `  sum of the peers: ${(recordsOnly / peers).toFixed(2)}× for --no-mx, ${(full / peers).toFixed(2)}× for the whole check`,
    )
    console.log(
      `\nWhole check under one second: ${full < TARGET_MS ? 'yes' : 'no'} (${Math.round(full)} ms).`,
    )
    for (const [name, problem] of problems) console.log(`PROBLEM ${name}: ${problem}`)
    if (problems.size > 0) process.exitCode = 1
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
