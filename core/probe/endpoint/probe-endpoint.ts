// One endpoint, end to end, as named phases (EndpointProbe.run): resolve the name; the main
// conversation under the per-host limiter (conversation.ts: implicit TLS or a plaintext greeting,
// the protocol, capabilities, STARTTLS watching for injected bytes, capabilities again); the TLS
// version attempts (and, for a legacy-only server, the facts from the best of them); goodbye; the
// report with its findings and verdict. Never sends a credential. Every step is bounded by the
// run's timeout, and each of the two phases by ENDPOINT_DEADLINE_FACTOR times it, so a hostile
// server ends in a finding, not a hang.
import type net from 'node:net'
import { performance } from 'node:perf_hooks'
import type { EndpointReport, TranscriptLine } from '../../../shared/contract/probe.js'
import type { DiscoveredEndpoint } from '../../../shared/contract/probe-target.js'
import { DnsError, type Resolver } from '../../dns/resolver.js'
import { describeEndpoint, type Endpoint } from '../../net/connect.js'
import { NetError } from '../../net/errors.js'
import type { LineLimits } from '../../net/line-reader.js'
import type { TranscriptLine as NetTranscriptLine } from '../../net/session.js'
import { untilAborted } from '../../runs/abortable.js'
import { ENDPOINT_DEADLINE_FACTOR, MAX_GREETING_LINE_CHARS, MAX_GREETING_LINES } from '../limits.js'
import type { HostLimiter } from '../schedule.js'
import { handshakeFacts } from '../tls/facts.js'
import type { TrustAnchors } from '../tls/trust.js'
import { probeVersions, type VersionsResult } from '../tls/versions.js'
import { authBeforeTls, findingsFor, verdictOf } from '../verdict.js'
import { Conversation, type Dialog, emptyDialog, goodbye, type Recorder } from './conversation.js'
import { capsDiff, observationOf, reasonFor, round, tlsFactsOf } from './endpoint-report.js'
import { printable } from './identify.js'

const IMPLICIT_PORTS = new Set([993, 995, 465])

export interface ProberOptions {
  resolver: Resolver
  trust: TrustAnchors
  /** Per step: connect, one reply, one handshake. */
  timeoutMs: number
  limiter: HostLimiter
  signal?: AbortSignal
  /** Line caps (tests pass small ones); the read timeout is timeoutMs. */
  limits?: Partial<Omit<LineLimits, 'readTimeoutMs'>>
  /** How long to wait for a plaintext greeting before trying TLS (capped by timeoutMs). */
  greetingSniffMs?: number
  now?: () => Date
  /** This endpoint is one of a host's standard ports in a sweep (see Observation.sweep). */
  sweep?: boolean
}

/** What the prober produces; the run adds `clients` from the explainer. */
export type ProbedEndpoint = Omit<EndpointReport, 'clients'>

/** One deadline per phase (the main dialogue, the version attempts), started when the phase starts. */
interface Phase {
  deadline: AbortSignal
  /** The run's signal and the deadline. */
  signal: AbortSignal
}

const cancelled = () => new NetError('cancelled', 'Cancelled.')

/** Probes one endpoint; only a cancelled run throws. */
export function probeEndpoint(
  discovered: DiscoveredEndpoint,
  options: ProberOptions,
): Promise<ProbedEndpoint> {
  return new EndpointProbe(discovered, options).run()
}

/** The phases of one endpoint's probe, and what they found so far. */
class EndpointProbe implements Recorder {
  private readonly discovered: DiscoveredEndpoint
  private readonly options: ProberOptions
  private readonly started = performance.now()
  private readonly now: () => Date
  private readonly where: string
  /** The port's standard role wins over a user's label: "STARTTLS on 993" is the mistake to show. */
  private readonly expectedImplicit: boolean
  private readonly deadlineMs: number
  private readonly limits: Partial<LineLimits>
  private readonly sockets = new Set<net.Socket>()
  private readonly transcript: NetTranscriptLine[] = []
  private readonly notes: string[] = []
  /** Index of the first transcript line over TLS; null: none was. */
  private tlsFrom: number | null = null
  private address: string | null = null
  private mainPhase: Phase | null = null
  private mainStarted = 0
  private connectMs: number | null = null
  private versionsMs: number | null = null
  private dialog: Dialog = emptyDialog()
  private versions: VersionsResult | null = null

  constructor(discovered: DiscoveredEndpoint, options: ProberOptions) {
    this.discovered = discovered
    this.options = options
    this.now = options.now ?? (() => new Date())
    this.where = describeEndpoint({ host: discovered.host, port: discovered.port })
    this.expectedImplicit = discovered.expected === 'implicit-tls' || IMPLICIT_PORTS.has(discovered.port)
    this.deadlineMs = options.timeoutMs * ENDPOINT_DEADLINE_FACTOR
    this.limits = { ...options.limits, readTimeoutMs: options.timeoutMs }
  }

  async run(): Promise<ProbedEndpoint> {
    try {
      const address = await this.resolve()
      if (address) {
        await this.mainDialogue(address)
        if (this.dialog.failure === null && this.tlsReached()) await this.tlsVersions(address)
      }
    } catch (error) {
      this.stopped(error)
    } finally {
      for (const socket of this.sockets) if (!socket.destroyed) goodbye(socket, null)
    }
    return this.report()
  }

  // Recorder: what the conversations report back.

  track<T extends net.Socket>(socket: T): T {
    // Errors after we stop reading (a reset during goodbye) are expected: never unhandled.
    if (!this.sockets.has(socket)) socket.on('error', () => {})
    this.sockets.add(socket)
    return socket
  }

  tlsStarts(): void {
    this.tlsFrom = this.transcript.length
  }

  connected(): void {
    this.connectMs = performance.now() - this.mainStarted
  }

  // The phases.

  /** The address to connect to (IPv4 first); null, with the dns failure, when there is none. */
  private async resolve(): Promise<string | null> {
    const { host } = this.discovered
    try {
      const addresses = await untilAborted(
        this.options.resolver.addresses(host),
        this.options.signal,
        cancelled,
      )
      this.address = addresses.find((a) => !a.includes(':')) ?? addresses[0] ?? null
      if (!this.address) throw new DnsError('no-data', host, `${host} has no address.`)
    } catch (error) {
      if (this.cancelledByRun()) throw new NetError('cancelled', 'Cancelled.')
      this.dialog.failure = { kind: 'dns', message: error instanceof Error ? error.message : String(error) }
    }
    return this.address
  }

  /** The main conversation, once the per-host limiter lets it start; its deadline starts then. */
  private async mainDialogue(address: string): Promise<void> {
    try {
      this.dialog = await this.options.limiter.run(address, () => this.converse(), this.options.signal)
    } catch (error) {
      if (this.cancelledByRun() || !this.mainPhase?.deadline.aborted) throw error
      this.dialog.failure = {
        kind: 'slow-reply',
        message: `${this.where} did not finish the dialogue within ${this.deadlineMs} ms.`,
      }
    }
  }

  private converse(): Promise<Dialog> {
    this.mainPhase = this.phase()
    this.mainStarted = performance.now()
    return this.conversation(this.mainPhase).run(this.expectedImplicit)
  }

  /** Each TLS version alone, under its own deadline; a legacy-only server's facts come from here. */
  private async tlsVersions(address: string): Promise<void> {
    const phase = this.phase()
    const v0 = performance.now()
    try {
      this.versions = await probeVersions(
        {
          endpoint: this.endpoint(),
          startTls: this.dialog.viaStartTls ? this.dialog.protocol : null,
          timeoutMs: this.options.timeoutMs,
          limits: this.limits,
          signal: phase.signal,
          known: this.dialog.tls?.version ? [this.dialog.tls.version] : [],
        },
        (task) => this.options.limiter.run(address, task, phase.signal),
      )
    } catch (error) {
      if (this.cancelledByRun() || !phase.deadline.aborted) throw error
      this.notes.push(
        `The TLS version attempts did not finish within ${this.deadlineMs} ms; they are not reported.`,
      )
      this.versions = null
    }
    this.versionsMs = performance.now() - v0
    if (!this.versions) return
    for (const socket of this.versions.sockets.values()) this.track(socket)
    if (!this.dialog.tls) await this.legacyOnly(this.versions, phase)
    if (!this.dialog.tls && this.dialog.pendingFailure) {
      this.dialog.failure = this.dialog.pendingFailure
      if (!this.dialog.viaStartTls) this.dialog.security = 'unreachable'
    }
  }

  /** A server that speaks only TLS 1.0/1.1 failed the main (1.2+) handshake: its facts come from
   * the best legacy attempt, and so does what follows TLS. */
  private async legacyOnly(versions: VersionsResult, phase: Phase): Promise<void> {
    const best = [...versions.accepted].reverse()[0]
    const socket = best ? versions.sockets.get(best) : undefined
    if (!socket) return
    const dialog = this.dialog
    dialog.tls = handshakeFacts(socket, this.discovered.host, this.options.trust, this.now())
    dialog.pendingFailure = null
    this.notes.push(`Only a legacy handshake (${best}) succeeded; what follows TLS comes from it.`)
    this.tlsStarts()
    const conversation = this.conversation(phase)
    if (dialog.viaStartTls) await conversation.capabilitiesOverTls(dialog, socket)
    else await conversation.overImplicitTls(dialog, socket, performance.now())
  }

  /** A phase threw: a cancelled run ends the probe; a phase's deadline is a finding. */
  private stopped(error: unknown): void {
    if (this.cancelledByRun()) {
      for (const socket of this.sockets) socket.destroy()
      throw new NetError('cancelled', 'Cancelled.')
    }
    // Not the run: one of this endpoint's deadlines stopped a step that was still going.
    if (!(error instanceof NetError && error.kind === 'cancelled')) throw error
    this.dialog.failure ??= {
      kind: 'slow-reply',
      message: `${this.where} did not finish within ${this.deadlineMs} ms.`,
    }
  }

  /** Findings, verdict and facts, from what the phases found. */
  private report(): ProbedEndpoint {
    const { discovered, dialog } = this
    const tls = tlsFactsOf(dialog, this.versions, this.options.trust)
    for (const untested of tls?.versionsUntested ?? [])
      this.notes.push(`${untested.version}: ${untested.reason}`)
    const observation = observationOf(
      discovered,
      dialog,
      tls,
      this.expectedImplicit,
      this.options.sweep === true,
    )
    const findings = findingsFor(observation, discovered.sourceFindings)
    return {
      key: `${discovered.host.toLowerCase()}:${discovered.port}`,
      host: discovered.host,
      port: discovered.port,
      address: this.address,
      protocol: dialog.protocol ?? discovered.protocol,
      expectedProtocol:
        dialog.protocol && dialog.protocol !== discovered.protocol ? discovered.protocol : null,
      security: dialog.security,
      reason: reasonFor(observation, this.where),
      source: discovered.source,
      sourceTrusted: discovered.trusted,
      sourceDetail: discovered.sourceDetail,
      clientSetting: discovered.clientSetting,
      tls,
      authBeforeTls: authBeforeTls(observation).map((m) => m.label),
      greeting: (dialog.greeting?.lines ?? [])
        .slice(0, MAX_GREETING_LINES)
        .map((l) => printable(l, MAX_GREETING_LINE_CHARS)),
      preauth: dialog.greeting?.status === 'preauth',
      injection: dialog.injection,
      capabilities: capsDiff(dialog.before, dialog.after),
      findings,
      verdict: verdictOf(findings, dialog.security),
      transcript: this.transcriptLines(),
      timings: {
        connectMs: round(this.connectMs),
        greetingMs: round(dialog.greetingMs),
        tlsMs: round(dialog.tlsMs),
        versionsMs: round(this.versionsMs),
        totalMs: round(performance.now() - this.started) ?? 0,
      },
      notes: this.notes,
    }
  }

  // Helpers of the phases.

  private transcriptLines(): TranscriptLine[] {
    const from = this.tlsFrom
    return this.transcript.map((line, index) => ({
      from: line.from,
      text: line.text,
      tls: from !== null && index >= from,
    }))
  }

  private phase(): Phase {
    const deadline = AbortSignal.timeout(this.deadlineMs)
    const run = this.options.signal
    return { deadline, signal: run ? AbortSignal.any([run, deadline]) : deadline }
  }

  private conversation(phase: Phase): Conversation {
    return new Conversation(this.endpoint(), {
      trust: this.options.trust,
      timeoutMs: this.options.timeoutMs,
      greetingSniffMs: this.options.greetingSniffMs,
      limits: this.limits,
      signal: phase.signal,
      transcript: this.transcript,
      now: this.now,
      recorder: this,
    })
  }

  private endpoint(): Endpoint {
    return { host: this.discovered.host, port: this.discovered.port, address: this.address ?? undefined }
  }

  private tlsReached(): boolean {
    return this.dialog.security === 'implicit-tls' || this.dialog.security === 'starttls'
  }

  private cancelledByRun(): boolean {
    return this.options.signal?.aborted === true
  }
}
