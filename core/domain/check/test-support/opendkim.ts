// opendkim-testkey (Debian opendkim-tools) as a peer: its configuration and one run.
//
// opendkim-testkey resolves through libunbound, which has a built-in local zone for the special-use
// name `test.` (RFC 6761 6.2): it answers NXDOMAIN itself without asking anyone, so every name under
// lab.test was "record not found" whatever the forwarder. The unbound file given with
// `ResolverConfiguration` (`ResolverConfig` is refused: "configuration error") lifts that zone and
// forwards everything to the lab DNS; the zone alone is the cause (unbound 1.17 forwards to the
// loopback lab DNS without do-not-query-localhost: no, which is set anyway in case a version
// applies it to forwarders). For offline runs it serves the records itself (local-data).
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

export const OPENDKIM_TESTKEY = '/usr/sbin/opendkim-testkey'
const RUN_TIMEOUT_MS = 20_000

/** A TXT record for unbound's local-data: strings of at most 255 bytes, each quoted. */
function localTxt(name: string, value: string): string {
  if (/["\\'\n]/.test(value)) throw new Error(`record for ${name} has a quote or newline: ${value}`)
  const strings = value.match(/.{1,255}/g) ?? ['']
  return `  local-data: '${name}. TXT ${strings.map((s) => `"${s}"`).join(' ')}'`
}

export interface TestkeyResolving {
  /** Forward every query to this DNS server ("address" or "address:port"). */
  forwardTo?: string
  /** Or serve these records locally (offline): the zone and its TXT records. */
  local?: { zone: string; txt: { name: string; value: string }[] }
}

/** Writes the unbound file and opendkim-testkey's -x file into `dir`; returns the -x file. */
export async function writeTestkeyConfig(dir: string, resolving: TestkeyResolving): Promise<string> {
  const unbound = ['server:', '  module-config: "iterator"', '  local-zone: "test." nodefault']
  if (resolving.forwardTo) {
    const [host, port] = resolving.forwardTo.split(':')
    unbound.push(
      '  do-not-query-localhost: no',
      'forward-zone:',
      '  name: "."',
      `  forward-addr: ${host}${port && port !== '53' ? `@${port}` : ''}`,
    )
  }
  if (resolving.local) {
    unbound.push(`  local-zone: "${resolving.local.zone}." static`)
    for (const r of resolving.local.txt) unbound.push(localTxt(r.name, r.value))
  }
  const unboundFile = path.join(dir, 'unbound.conf')
  await writeFile(unboundFile, `${unbound.join('\n')}\n`)
  const conf = path.join(dir, 'opendkim-testkey.conf')
  await writeFile(conf, `ResolverConfiguration ${unboundFile}\n`)
  return conf
}

export interface TestkeyResult {
  code: number | null
  /** "key OK", or opendkim-testkey's complaint (its last line that is not progress). */
  verdict: string
  output: string
}

/** The lines -vvv prints on the way, which are no verdict. */
const PROGRESS = /checking key|key not secure|key loaded from|WARNING: unsafe permissions/

export function runTestkey(
  conf: string,
  domain: string,
  selector: string,
  privateKeyFile?: string,
): Promise<TestkeyResult> {
  const args = ['-x', conf, '-d', domain, '-s', selector, '-vvv']
  if (privateKeyFile) args.push('-k', privateKeyFile)
  return new Promise((resolve, reject) => {
    execFile(
      OPENDKIM_TESTKEY,
      args,
      { timeout: RUN_TIMEOUT_MS, maxBuffer: 100_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        if (error && code === null) return reject(error)
        const output = `${stdout}${stderr}`
        const lines = output
          .split('\n')
          .map((l) => l.replace(/^opendkim-testkey: /, '').trim())
          .filter((l) => l && !PROGRESS.test(l))
        resolve({ code, verdict: code === 0 ? 'key OK' : (lines.at(-1) ?? `exit ${code}`), output })
      },
    )
  })
}
