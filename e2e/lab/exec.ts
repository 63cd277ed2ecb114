// Thin wrappers over child_process: run a tool, get its output, fail with the tool's own words.
import { spawnSync } from 'node:child_process'

export interface RunResult {
  status: number
  stdout: string
  stderr: string
}

export function run(
  cmd: string,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): RunResult {
  const r = spawnSync(cmd, args, {
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 20_000,
    env: opts.env ?? process.env,
  })
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new LabError(`${cmd} not found; run: bash e2e/lab/install-packages.sh`)
  }
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

/** Run and require exit 0; the error carries the last line the tool printed. */
export function must(
  cmd: string,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): string {
  const r = run(cmd, args, opts)
  if (r.status !== 0) {
    const out = `${r.stderr}\n${r.stdout}`.trim().split('\n').filter(Boolean)
    throw new LabError(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${out.slice(-3).join(' | ')}`)
  }
  return r.stdout
}

/** An error whose message is a complete, one-line instruction for the user. */
export class LabError extends Error {
  override name = 'LabError'
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
