// `mailwarden probe`: the probe.start long run through the engine (so the CLI probes exactly as the
// UI does), progress on stderr when it is a terminal, then the report as a table or as JSON.
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { EventPayload } from '../../../shared/contract/index.js'
import { PROBE_TIMEOUT_MS, type ProbeProgress, type ProbeReport } from '../../../shared/contract/probe.js'
import { PROBE_PORTS_MAX, PROBE_TARGETS_MAX } from '../../../shared/contract/probe-target.js'
import { dnsServerProblem, type MailClientId } from '../../../shared/contract/schemas.js'
import { CLIENT_IDS, findClient } from '../../../shared/knowledge/clients.js'
import { renderJson, renderText } from '../../../shared/report/index.js'
import { plain } from '../../../shared/report/text.js'
import { CaFileError, readCaFile } from '../../net/ca-file.js'
import type { Command, CommandContext } from '../command.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { CliError, unwrap, usageError } from '../output.js'

const USAGE = `mailwarden probe <address|domain|host|host:port>... [options]

Probes every IMAP, POP3 and SMTP endpoint of an email address or domain (discovered from DNS MX
and SRV records, autoconfig files and the usual host names), of a host (the seven standard ports
143, 993, 110, 995, 25, 465, 587) or of host:port pairs, and explains each in your client's words.

Options:
  --port N          probe port N on each bare host instead of the standard ones (repeatable)
  --dns HOST[:PORT] ask this DNS server instead of the system's (an IP address)
  --ca FILE         also trust the CAs in this PEM file (a company or lab CA), besides the
                    system's trust store
  --timeout MS      how long each step (connect, a reply, a handshake) may take
  --client NAME     whose words to use: ${CLIENT_IDS.join(', ')}
  --json            print one JSON object: { target, endpoints: [...], verdict, domains, notes, ... }
                    (everything the table and findings say)

Exit codes: 0 no endpoint is bad; 1 at least one is bad; 2 the probe could not run (a wrong
option, a DNS failure, nothing found to probe).`

interface ProbeArgs {
  targets: string[]
  ports: number[]
  dnsServer?: string
  caFile?: string
  timeoutMs?: number
  client?: MailClientId
}

function integer(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw usageError(`${what} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}.`)
  return Number(text)
}

export async function parseProbeArgs(args: string[]): Promise<ProbeArgs> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string', multiple: true },
      dns: { type: 'string' },
      ca: { type: 'string' },
      timeout: { type: 'string' },
      client: { type: 'string' },
    },
  })
  if (positionals.length === 0)
    throw usageError(
      'Give at least one email address, domain, host or host:port to probe (see mailwarden probe --help).',
    )
  if (positionals.length > PROBE_TARGETS_MAX)
    throw usageError(`At most ${PROBE_TARGETS_MAX} targets at once.`)
  const ports = (values.port ?? []).map((p) => integer(p, '--port', 1, 65535))
  if (ports.length > PROBE_PORTS_MAX) throw usageError(`At most ${PROBE_PORTS_MAX} --port options.`)
  const parsed: ProbeArgs = { targets: positionals, ports }
  if (values.dns !== undefined) {
    const problem = dnsServerProblem(values.dns)
    if (problem)
      throw usageError(
        `--dns ${JSON.stringify(values.dns)} is not a DNS server address: give an IP address with an optional port, such as 127.0.0.53:53 or [::1]:53.`,
      )
    parsed.dnsServer = values.dns
  }
  if (values.ca !== undefined) {
    // Checked here as the settings check it (exists, bounded, holds a certificate), with the path
    // made absolute: the engine does not share the shell's working directory.
    const caFile = path.resolve(values.ca)
    try {
      await readCaFile(caFile)
    } catch (error) {
      if (!(error instanceof CaFileError)) throw error
      throw usageError(`--ca: ${error.message}`)
    }
    parsed.caFile = caFile
  }
  if (values.timeout !== undefined)
    parsed.timeoutMs = integer(values.timeout, '--timeout', PROBE_TIMEOUT_MS.min, PROBE_TIMEOUT_MS.max)
  if (values.client !== undefined) {
    const client = findClient(values.client)
    if (!client)
      throw usageError(
        `Unknown --client ${JSON.stringify(values.client)}; use one of ${CLIENT_IDS.join(', ')}.`,
      )
    parsed.client = client.id
  }
  return parsed
}

/** One stderr line per progress event, for a person watching a terminal. */
function progressLine(progress: ProbeProgress): string | null {
  switch (progress.stage) {
    case 'discovery':
      return progress.step.status === 'started'
        ? null
        : `  ${progress.step.kind} ${progress.step.subject}: ${progress.step.detail}`
    case 'discovered':
      return `Probing ${progress.endpoints.length} endpoint(s)…`
    case 'connecting':
      return null
    case 'done':
      return `  ${progress.key}: ${progress.endpoint.security}, ${progress.endpoint.verdict}`
    case 'domain':
      return `  ${progress.checks.domain}: MTA-STS ${progress.checks.mtaSts.status}, TLS-RPT ${progress.checks.tlsRpt.status}`
  }
}

type Outcome = EventPayload<'probe.finished'>['outcome']

/** Starts probe.start and resolves with its outcome; a stop signal (Ctrl-C) cancels the run. */
async function runProbe(
  request: ProbeArgs,
  context: CommandContext,
  showProgress: boolean,
): Promise<Outcome> {
  const engine = await context.engine()
  let runId: string | null = null
  const early: EventPayload<'probe.finished'>[] = []
  let settle: ((outcome: Outcome) => void) | null = null
  const offFinished = engine.on('probe.finished', (event) => {
    if (runId === null) early.push(event)
    else if (event.runId === runId) settle?.(event.outcome)
  })
  const offProgress = engine.on('probe.progress', (event) => {
    if (!showProgress || event.runId !== runId) return
    const line = progressLine(event.progress)
    if (line) context.io.err(plain(line))
  })
  try {
    const finished = new Promise<Outcome>((resolve) => {
      settle = resolve
    })
    runId = unwrap<{ runId: string }>(await engine.call('probe.start', request)).runId
    const already = early.find((e) => e.runId === runId)
    if (already) return already.outcome
    void context.stopSignal.then(() => engine.call('runs.cancel', { runId }))
    return await finished
  } finally {
    offFinished()
    offProgress()
  }
}

/** Every endpoint failed on DNS (the probe's stable finding id): nothing was probed at all. */
function nothingResolved(report: ProbeReport): boolean {
  return report.endpoints.every(
    (e) => e.security === 'unreachable' && e.findings.some((f) => f.id === 'dns-failed'),
  )
}

export function exitCodeForReport(report: ProbeReport): ExitCode {
  return report.endpoints.some((e) => e.verdict === 'bad') ? EXIT.findings : EXIT.ok
}

export const probeCommand: Command = {
  name: 'probe',
  summary: 'Probe mail servers and explain each setting in your client’s words',
  usage: USAGE,
  async run(args, context) {
    const request = await parseProbeArgs(args)
    const outcome = await runProbe(request, context, process.stderr.isTTY === true && !context.json)
    if (outcome.status === 'cancelled') throw new CliError('The probe was cancelled.', EXIT.usage)
    if (outcome.status === 'failed')
      throw new CliError(
        `The probe could not run: ${outcome.error.message}`,
        outcome.error.code === 'internal' ? EXIT.internal : EXIT.usage,
      )
    const report = outcome.result
    if (report.endpoints.length === 0) {
      const notes = report.discovery.notes.map((n) => `  ${plain(n.subject)}: ${plain(n.message)}`)
      if (context.json) context.io.out(renderJson(report, 'issue', 0))
      context.io.err([`Nothing to probe was found for ${plain(report.target)}.`, ...notes].join('\n'))
      return EXIT.usage
    }
    context.io.out(
      context.json ? renderJson(report, 'issue', 0) : renderText(report, { client: request.client }),
    )
    if (nothingResolved(report)) {
      context.io.err(
        `The probe could not run: no server name resolved (${plain(report.resolver)}); check the names and the DNS server (--dns).`,
      )
      return EXIT.usage
    }
    return exitCodeForReport(report)
  },
}
