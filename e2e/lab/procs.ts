// Starting and stopping the lab's processes. Every process the lab starts either has the state
// dir in its command line (its config file lives there) or its stderr in the lab's log dir
// (Perdition rewrites its argv), which is how `down` recognises exactly its own processes,
// even after a crash lost the pid files.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { LabError, sleep } from './exec.js'

export interface ProcessRecord {
  name: string
  pidFile: string
}

/**
 * Start a daemon that forks into the background and writes its own pid file. Its stdio goes
 * to a file, not a pipe: a daemon that keeps inherited pipes open would make us wait forever.
 */
export function startForking(
  name: string,
  cmd: string,
  args: readonly string[],
  pidFile: string,
  logFile: string,
): ProcessRecord {
  fs.rmSync(pidFile, { force: true })
  const out = fs.openSync(logFile, 'a')
  const r = spawnSync(cmd, args, { stdio: ['ignore', out, out], timeout: 20_000 })
  fs.closeSync(out)
  if (r.error)
    throw new LabError(
      `could not start ${name} (${cmd}: ${r.error.message}); run: bash e2e/lab/install-packages.sh`,
    )
  if (r.status !== 0) {
    const last = fs.readFileSync(logFile, 'utf8').trim().split('\n').pop() ?? ''
    throw new LabError(`${name} failed to start (exit ${r.status}): ${last} (see ${logFile})`)
  }
  return { name, pidFile }
}

/** Start a foreground program detached from us; we write its pid file. */
export function startDetached(
  name: string,
  cmd: string,
  args: readonly string[],
  pidFile: string,
  logFile: string,
  options: { argv0?: string; cwd?: string } = {},
): ProcessRecord {
  const out = fs.openSync(logFile, 'a')
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out], ...options })
  fs.closeSync(out)
  if (child.pid === undefined)
    throw new LabError(`could not start ${name} (${cmd}); run: bash e2e/lab/install-packages.sh`)
  child.unref()
  fs.writeFileSync(pidFile, `${child.pid}\n`)
  return { name, pidFile }
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 1 ? pid : undefined
  } catch {
    return undefined
  }
}

function cmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return undefined
  }
}

function stderrTarget(pid: number): string {
  try {
    return fs.readlinkSync(`/proc/${pid}/fd/2`)
  } catch {
    return ''
  }
}

function marked(pid: number, root: string): boolean {
  const needle = `${root}/`
  return (cmdline(pid)?.includes(needle) ?? false) || stderrTarget(pid).startsWith(needle)
}

/** Alive and really ours (a recycled pid belongs to someone else). */
export function isOurs(pid: number, root: string): boolean {
  return marked(pid, root) && !isZombie(pid) && !isLabCli(pid)
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

/** Every live process whose command line names the state dir (except us and our parents). */
export function findOurProcesses(root: string): number[] {
  const self = new Set([process.pid, process.ppid])
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => !self.has(pid) && isOurs(pid, root))
}

// The lab's own CLI / test runners may mention the state dir in their arguments or env; never them.
function isLabCli(pid: number): boolean {
  const cl = cmdline(pid) ?? ''
  return /\b(node|tsx|npm|vitest|playwright)\b/.test(cl.split(' ')[0] ?? '')
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

/**
 * Stop the recorded processes, then any stragglers of ours (crash leftovers, forked children).
 * TERM first so daemons clean up (Dovecot's master takes its children down), KILL after 5 s.
 */
export async function stopAll(records: readonly ProcessRecord[], root: string): Promise<number> {
  const pids = new Set<number>()
  for (const r of records) {
    const pid = readPid(r.pidFile)
    if (pid !== undefined && isOurs(pid, root)) pids.add(pid)
  }
  for (const pid of findOurProcesses(root)) pids.add(pid)
  for (const pid of pids) signal(pid, 'SIGTERM')
  const deadline = Date.now() + 5000
  let alive = [...pids].filter((pid) => isOurs(pid, root))
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100)
    alive = [...pids, ...findOurProcesses(root)].filter((pid) => isOurs(pid, root))
  }
  for (const pid of alive) signal(pid, 'SIGKILL')
  return pids.size
}

export function pidFilesUnder(dir: string): string[] {
  const found: string[] = []
  const walk = (d: string) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(d, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const full = path.join(d, e.name)
      if (e.isDirectory()) walk(full)
      else if (e.name.endsWith('.pid')) found.push(full)
    }
  }
  walk(dir)
  return found
}
