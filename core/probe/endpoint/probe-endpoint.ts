// One endpoint, end to end: resolve, connect, tell implicit TLS from a plaintext greeting,
// identify the protocol, read capabilities, perform STARTTLS (watching for injected bytes), read
// capabilities again, then try each TLS version. Never sends a credential. Every step is bounded
// by the run's timeout, and the whole endpoint by ENDPOINT_DEADLINE_FACTOR times it, so a hostile
// server ends in a finding, not a hang.
import type net from 'node:net'
import { performance } from 'node:perf_hooks'
import type tls from 'node:tls'
import type { MailProtocol } from '../../../shared/contract/accounts.js'
import type {
  EndpointReport,
  InjectionFacts,
  ProbeSecurity,
  TlsFacts,
  TranscriptLine,
  UntestedVersion,
} from '../../../shared/contract/probe.js'
import type { DiscoveredEndpoint } from '../../../shared/contract/probe-target.js'
import { DnsError, type Resolver } from '../../dns/resolver.js'
import { connectTcp, describeEndpoint, type Endpoint, handshakeTls } from '../../net/connect.js'
import { type Capabilities, type Dialogue, dialogues, type Greeting } from '../../net/dialogues/index.js'
import { NetError } from '../../net/errors.js'
import { INJECTION_WATCH_MS } from '../../net/limits.js'
import type { LineLimits } from '../../net/line-reader.js'
import { type TranscriptLine as NetTranscriptLine, openSession, type Session } from '../../net/session.js'
import { startTls } from '../../net/starttls.js'
import type { HostLimiter } from '../discovery/limits.js'
import { GOODBYE_MS, GREETING_SNIFF_MS, MAX_CAPABILITIES_KEPT, MAX_GREETING_LINES } from '../limits.js'
import { type HandshakeFacts, handshakeFacts } from '../tls/facts.js'
import type { TrustAnchors } from '../tls/trust.js'
import { probeVersions, type VersionsResult } from '../tls/versions.js'
import { authBeforeTls, findingsFor, verdictOf } from '../verdict.js'
import { identifyGreeting, looksLikeTls, printable } from './identify.js'
import type { FailureKind, Observation, ProbeFailure } from './observation.js'

/** The whole dialogue of one endpoint may take this many step timeouts: stops a server that answers
 * each line just before its deadline, forever. Version attempts run after, under the same bound. */
export const ENDPOINT_DEADLINE_FACTOR = 6

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

interface Dialog {
  protocol: MailProtocol | null
  security: ProbeSecurity
  failure: ProbeFailure | null
  greeting: Greeting | null
  before: Capabilities | null
  after: Capabilities | null
  injection: InjectionFacts | null
  tls: HandshakeFacts | null
  tlsError: string | null
  /** The main handshake failed; if no version attempt succeeds either, this is the finding. */
  pendingFailure: ProbeFailure | null
  /** Whether TLS was reached by STARTTLS (for the version attempts). */
  viaStartTls: boolean
  greetingMs: number | null
  tlsMs: number | null
}

function emptyDialog(): Dialog {
  return {
    protocol: null,
    security: 'unreachable',
    failure: null,
    greeting: null,
    before: null,
    after: null,
    injection: null,
    tls: null,
    tlsError: null,
    pendingFailure: null,
    viaStartTls: false,
    greetingMs: null,
    tlsMs: null,
  }
}

/** A NetError (or anything thrown) as the failure a finding names, given where it happened. */
export function failureOf(
  error: unknown,
  stage: 'connect' | 'greeting' | 'dialogue' | 'handshake',
  partial = false,
): ProbeFailure {
  const message = error instanceof Error ? error.message : String(error)
  if (!(error instanceof NetError)) return { kind: 'protocol-error', message }
  const map: Partial<Record<NetError['kind'], FailureKind>> = {
    'connect-timeout': 'connect-timeout',
    refused: 'refused',
    unreachable: 'unreachable',
    reset: 'reset',
    closed: 'closed',
    'line-too-long': 'endless-line',
    'too-much-data': 'too-much-data',
    'starttls-refused': 'starttls-refused',
    injection: 'injection',
    dns: 'dns',
  }
  let kind: FailureKind = map[error.kind] ?? 'protocol-error'
  if (error.kind === 'timeout')
    kind =
      stage === 'handshake' ? 'tls-timeout' : stage === 'greeting' && !partial ? 'no-greeting' : 'slow-reply'
  else if (error.kind === 'tls') kind = stage === 'connect' ? 'refused' : 'tls-failed'
  else if (error.kind === 'protocol' && stage === 'greeting') kind = 'not-mail-protocol'
  return { kind, message }
}

/** A session whose first read returns a line we already read (to identify the protocol). */
function replaying(session: Session, first: string): Session {
  let pending: string | null = first
  return {
    ...session,
    read: () => {
      if (pending === null) return session.read()
      const line = pending
      pending = null
      return Promise.resolve(line)
    },
  }
}

function record(transcript: NetTranscriptLine[], line: string): void {
  transcript.push({ from: 'server', text: printable(line, 300) })
}

function goodbye(socket: net.Socket | tls.TLSSocket, protocol: MailProtocol | null): void {
  try {
    if (protocol && !socket.destroyed && socket.writable)
      socket.write(protocol === 'imap' ? 'z LOGOUT\r\n' : 'QUIT\r\n')
  } catch {
    // Closing anyway.
  }
  socket.end()
  setTimeout(() => socket.destroy(), GOODBYE_MS).unref()
}

function mentionsStartTls(greeting: Greeting | null): boolean {
  return greeting !== null && /\b(?:STARTTLS|STLS)\b/i.test(greeting.lines.join(' '))
}

function capsDiff(before: Capabilities | null, after: Capabilities | null) {
  const keep = (caps: Capabilities | null) => (caps?.known ? caps.raw.slice(0, MAX_CAPABILITIES_KEPT) : null)
  const b = keep(before)
  const a = keep(after)
  const upper = (list: string[] | null) => new Set((list ?? []).map((x) => x.toUpperCase()))
  const bs = upper(b)
  const as = upper(a)
  return {
    beforeTls: b,
    afterTls: a,
    added: b && a ? a.filter((x) => !bs.has(x.toUpperCase())) : [],
    removed: b && a ? b.filter((x) => !as.has(x.toUpperCase())) : [],
  }
}

/** The resolver takes no signal: a cancelled run stops waiting for it here. */
function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work
  if (signal.aborted) return Promise.reject(new NetError('cancelled', 'Cancelled.'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new NetError('cancelled', 'Cancelled.'))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Probes one endpoint; only a cancelled run throws. */
export async function probeEndpoint(
  discovered: DiscoveredEndpoint,
  options: ProberOptions,
): Promise<ProbedEndpoint> {
  const started = performance.now()
  const now = options.now ?? (() => new Date())
  const transcript: NetTranscriptLine[] = []
  let tlsFrom: number | null = null
  const notes: string[] = []
  const where = describeEndpoint({ host: discovered.host, port: discovered.port })
  // The port's standard role wins over a user's label: "STARTTLS on 993" is the mistake to show.
  const expectedImplicit = discovered.expected === 'implicit-tls' || IMPLICIT_PORTS.has(discovered.port)
  const runSignal = options.signal
  const deadlineMs = options.timeoutMs * ENDPOINT_DEADLINE_FACTOR
  // One deadline for the main dialogue and one for the version attempts, each started when its
  // phase starts (not while waiting for the per-host limiter behind other endpoints).
  const phase = () => {
    const deadline = AbortSignal.timeout(deadlineMs)
    return { deadline, signal: runSignal ? AbortSignal.any([runSignal, deadline]) : deadline }
  }
  const limits: Partial<LineLimits> = { ...options.limits, readTimeoutMs: options.timeoutMs }
  const tlsBaseFor = (signal: AbortSignal) => ({
    rejectUnauthorized: false as const,
    // Trust and the host name are judged from the chain by us (core/net/certificate.ts).
    checkServerIdentity: () => undefined,
    timeoutMs: options.timeoutMs,
    signal,
  })
  const sockets = new Set<net.Socket>()
  const track = <T extends net.Socket>(socket: T): T => {
    // Errors after we stop reading (a reset during goodbye) are expected: never unhandled.
    if (!sockets.has(socket)) socket.on('error', () => {})
    sockets.add(socket)
    return socket
  }
  const cancelledByRun = () => runSignal?.aborted === true
  const cancel = () => {
    for (const socket of sockets) socket.destroy()
    return new NetError('cancelled', 'Cancelled.')
  }

  let address: string | null = null
  let connectMs: number | null = null
  let versionsMs: number | null = null
  let dialog = emptyDialog()
  let versions: VersionsResult | null = null

  const endpointFor = (): Endpoint => ({
    host: discovered.host,
    port: discovered.port,
    address: address ?? undefined,
  })

  try {
    try {
      const addresses = await untilAborted(options.resolver.addresses(discovered.host), runSignal)
      address = addresses.find((a) => !a.includes(':')) ?? addresses[0] ?? null
      if (!address) throw new DnsError('no-data', discovered.host, `${discovered.host} has no address.`)
    } catch (error) {
      if (cancelledByRun()) throw new NetError('cancelled', 'Cancelled.')
      dialog.failure = { kind: 'dns', message: error instanceof Error ? error.message : String(error) }
    }

    if (address) {
      const endpoint = endpointFor()
      let main: ReturnType<typeof phase> | null = null
      try {
        dialog = await options.limiter.run(
          address,
          () => {
            main = phase()
            const t0 = performance.now()
            return converse(endpoint, expectedImplicit, {
              ...options,
              limits,
              signal: main.signal,
              tlsBase: tlsBaseFor(main.signal),
              transcript,
              track,
              markTls: () => {
                tlsFrom = transcript.length
              },
              onConnected: () => {
                connectMs = performance.now() - t0
              },
              now,
            })
          },
          runSignal,
        )
      } catch (error) {
        if (cancelledByRun() || !(main as ReturnType<typeof phase> | null)?.deadline.aborted) throw error
        dialog.failure = {
          kind: 'slow-reply',
          message: `${where} did not finish the dialogue within ${deadlineMs} ms.`,
        }
      }
      if (dialog.failure === null && (dialog.security === 'implicit-tls' || dialog.security === 'starttls'))
        await tryVersions(endpoint, address)
    }
  } catch (error) {
    if (cancelledByRun()) throw cancel()
    // Not the run: one of this endpoint's deadlines stopped a step that was still going.
    if (!(error instanceof NetError && error.kind === 'cancelled')) throw error
    dialog.failure ??= { kind: 'slow-reply', message: `${where} did not finish within ${deadlineMs} ms.` }
  } finally {
    for (const socket of sockets) if (!socket.destroyed) goodbye(socket, null)
  }

  async function tryVersions(endpoint: Endpoint, host: string): Promise<void> {
    const { deadline, signal } = phase()
    const v0 = performance.now()
    try {
      versions = await probeVersions(
        {
          endpoint,
          startTls: dialog.viaStartTls ? dialog.protocol : null,
          timeoutMs: options.timeoutMs,
          limits,
          signal,
          known: dialog.tls?.version ? [dialog.tls.version] : [],
        },
        (task) => options.limiter.run(host, task, signal),
      )
    } catch (error) {
      if (cancelledByRun() || !deadline.aborted) throw error
      notes.push(`The TLS version attempts did not finish within ${deadlineMs} ms; they are not reported.`)
      versions = null
    }
    versionsMs = performance.now() - v0
    if (!versions) return
    for (const socket of versions.sockets.values()) track(socket)
    // A server that speaks only TLS 1.0/1.1 failed the main (1.2+) handshake: its facts come
    // from the best legacy attempt.
    if (!dialog.tls) {
      const best = [...versions.accepted].reverse()[0]
      const socket = best ? versions.sockets.get(best) : undefined
      if (socket) {
        dialog.tls = handshakeFacts(socket, discovered.host, options.trust, now())
        dialog.pendingFailure = null
        notes.push(`Only a legacy handshake (${best}) succeeded; what follows TLS comes from it.`)
        tlsFrom = transcript.length
        const session = { limits, signal, transcript }
        if (dialog.viaStartTls) await capabilitiesOverTls(dialog, socket, where, session)
        else await afterImplicit(dialog, socket, where, session, performance.now())
      }
    }
    if (!dialog.tls && dialog.pendingFailure) {
      dialog.failure = dialog.pendingFailure
      if (!dialog.viaStartTls) dialog.security = 'unreachable'
    }
  }

  const tlsFacts = buildTlsFacts(dialog, versions, options.trust)
  for (const untested of tlsFacts?.versionsUntested ?? [])
    notes.push(`${untested.version}: ${untested.reason}`)
  const observation: Observation = {
    host: discovered.host,
    port: discovered.port,
    expectedProtocol: discovered.protocol,
    protocol: dialog.protocol,
    security: dialog.security,
    failure: dialog.failure,
    expectedImplicit,
    greetingStatus: dialog.greeting?.status ?? null,
    greetingMentionsStartTls: mentionsStartTls(dialog.greeting),
    before: dialog.before,
    after: dialog.after,
    injection: dialog.injection,
    tls: tlsFacts,
    clientSetting: discovered.clientSetting,
    sweep: options.sweep === true,
  }
  const findings = findingsFor(observation, discovered.sourceFindings)
  const lines: TranscriptLine[] = transcript.map((line, index) => ({
    from: line.from,
    text: line.text,
    tls: tlsFrom !== null && index >= tlsFrom,
  }))
  return {
    key: `${discovered.host.toLowerCase()}:${discovered.port}`,
    host: discovered.host,
    port: discovered.port,
    address,
    protocol: dialog.protocol ?? discovered.protocol,
    expectedProtocol: dialog.protocol && dialog.protocol !== discovered.protocol ? discovered.protocol : null,
    security: dialog.security,
    reason: reasonFor(observation, where),
    source: discovered.source,
    sourceTrusted: discovered.trusted,
    sourceDetail: discovered.sourceDetail,
    clientSetting: discovered.clientSetting,
    tls: tlsFacts,
    authBeforeTls: authBeforeTls(observation).map((m) => m.label),
    greeting: (dialog.greeting?.lines ?? []).slice(0, MAX_GREETING_LINES).map((l) => printable(l, 300)),
    preauth: dialog.greeting?.status === 'preauth',
    injection: dialog.injection,
    capabilities: capsDiff(dialog.before, dialog.after),
    findings,
    verdict: verdictOf(findings, dialog.security),
    transcript: lines,
    timings: {
      connectMs: round(connectMs),
      greetingMs: round(dialog.greetingMs),
      tlsMs: round(dialog.tlsMs),
      versionsMs: round(versionsMs),
      totalMs: round(performance.now() - started) ?? 0,
    },
    notes,
  }
}

function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10
}

function buildTlsFacts(
  dialog: Dialog,
  versions: VersionsResult | null,
  trust: TrustAnchors,
): TlsFacts | null {
  if (!dialog.tls && !dialog.tlsError && dialog.security !== 'implicit-tls' && dialog.security !== 'starttls')
    return null
  if (!dialog.tls && !dialog.tlsError && !versions) return null
  const accepted = new Set(versions?.accepted ?? [])
  if (dialog.tls?.version) accepted.add(dialog.tls.version)
  const order = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const
  const untested: UntestedVersion[] = (versions?.untested ?? []).filter((u) => !accepted.has(u.version))
  return {
    version: dialog.tls?.version ?? null,
    versionsAccepted: order.filter((v) => accepted.has(v)),
    versionsRefused: order.filter((v) => versions?.refused.includes(v) && !accepted.has(v)),
    versionsUntested: untested,
    cipher: dialog.tls?.cipher ?? null,
    cipherStandardName: dialog.tls?.cipherStandardName ?? null,
    certificate: dialog.tls?.certificate ?? null,
    chain: dialog.tls?.chain ?? [],
    trustedAgainst: trust.description,
    error: dialog.tls ? null : dialog.tlsError,
  }
}

function reasonFor(o: Observation, where: string): string {
  const via = o.protocol ? o.protocol.toUpperCase() : 'the server'
  if (o.failure && o.security === 'unreachable') return o.failure.message
  if (o.greetingStatus === 'preauth')
    return `${where} greets with IMAP PREAUTH: logged in before any encryption.`
  switch (o.security) {
    case 'implicit-tls':
      return o.tls?.version
        ? `${where} starts with TLS (${o.tls.version}) and ${via} greets over it.`
        : `${where} starts with TLS.`
    case 'starttls':
      if (o.failure?.kind === 'injection') return o.failure.message
      if (o.failure) return `${where} offers STARTTLS, but: ${o.failure.message}`
      return `${where} greets in plaintext, offers ${o.protocol === 'pop3' ? 'STLS' : 'STARTTLS'}, and the upgrade to ${o.tls?.version ?? 'TLS'} worked.`
    case 'plaintext':
      if (o.failure?.kind === 'starttls-refused') return o.failure.message
      return `${where} greets in plaintext and offers no ${o.protocol === 'pop3' ? 'STLS' : 'STARTTLS'} in its capabilities.`
    default:
      return o.failure?.message ?? `${where} could not be probed.`
  }
}

type SessionOptions = Pick<ConverseOptions, 'limits' | 'signal' | 'transcript'>

/** After a legacy-only STARTTLS handshake (a version attempt's socket): capabilities over TLS. */
async function capabilitiesOverTls(
  dialog: Dialog,
  socket: tls.TLSSocket,
  where: string,
  o: SessionOptions,
): Promise<void> {
  if (!dialog.protocol) return
  const dialogue = dialogues[dialog.protocol]
  const over = openSession(socket, where, { limits: o.limits, signal: o.signal, transcript: o.transcript })
  try {
    dialog.after = await dialogue.capabilities(over)
    goodbye(socket, dialogue.protocol)
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    dialog.failure = failureOf(error, 'dialogue', over.reader.buffered > 0)
  }
}

interface ConverseOptions extends ProberOptions {
  limits: Partial<LineLimits>
  signal: AbortSignal
  tlsBase: {
    rejectUnauthorized: false
    checkServerIdentity: () => undefined
    timeoutMs: number
    signal: AbortSignal
  }
  transcript: NetTranscriptLine[]
  track: <T extends net.Socket>(socket: T) => T
  markTls: () => void
  onConnected: () => void
  now: () => Date
}

/** The main connection: from TCP connect to capabilities after TLS. */
async function converse(endpoint: Endpoint, expectedImplicit: boolean, o: ConverseOptions): Promise<Dialog> {
  const dialog = emptyDialog()
  const where = describeEndpoint(endpoint)
  const t0 = performance.now()
  if (expectedImplicit) {
    let socket: tls.TLSSocket
    try {
      socket = o.track(await handshakeTls(endpoint, o.tlsBase))
    } catch (error) {
      if (error instanceof NetError && error.kind === 'cancelled') throw error
      // A plaintext greeting read as a TLS record: OpenSSL says "wrong version number".
      if (
        error instanceof NetError &&
        error.kind === 'tls' &&
        /wrong version number|packet length/i.test(error.message)
      )
        return plaintextPath(endpoint, false, o)
      if (error instanceof NetError && ['refused', 'connect-timeout', 'unreachable'].includes(error.kind)) {
        dialog.failure = failureOf(error, 'connect')
        return dialog
      }
      const failure = failureOf(error, 'handshake')
      dialog.tlsError = failure.message
      // Stalled: the version attempts would stall too.
      if (failure.kind === 'tls-timeout') {
        dialog.failure = failure
        return dialog
      }
      // Perhaps only TLS 1.0/1.1: the version attempts decide, and supply the facts if so.
      dialog.security = 'implicit-tls'
      dialog.pendingFailure = failure
      return dialog
    }
    o.onConnected()
    o.markTls()
    dialog.security = 'implicit-tls'
    dialog.tlsMs = performance.now() - t0
    dialog.tls = handshakeFacts(socket, endpoint.host, o.trust, o.now())
    await afterImplicit(dialog, socket, where, o, t0)
    return dialog
  }
  return plaintextPath(endpoint, true, o)
}

/** Over an implicit-TLS connection: the greeting identifies the protocol; then capabilities. */
async function afterImplicit(
  dialog: Dialog,
  socket: tls.TLSSocket,
  where: string,
  o: SessionOptions,
  t0: number,
): Promise<void> {
  const session = openSession(socket, where, { limits: o.limits, signal: o.signal, transcript: o.transcript })
  try {
    const first = await session.read()
    dialog.greetingMs = performance.now() - t0
    const identified = identifyGreeting(first)
    if (identified.kind !== 'protocol') {
      dialog.failure = {
        kind: 'not-mail-protocol',
        message: `${where} completed TLS but then sent ${JSON.stringify(printable(first, 80))}, which is no mail greeting.`,
      }
      return
    }
    dialog.protocol = identified.protocol
    const dialogue = dialogues[identified.protocol]
    const replay = replaying(session, first)
    dialog.greeting = await dialogue.greeting(replay)
    if (dialog.greeting.status === 'busy' || dialog.greeting.status === 'refused') {
      dialog.failure = {
        kind: dialog.greeting.status === 'busy' ? 'busy' : 'session-refused',
        message: `${where} greeted with ${printable(dialog.greeting.lines.join(' '), 200)}`,
      }
      return
    }
    dialog.after = await dialogue.capabilities(replay)
    goodbye(socket, identified.protocol)
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    dialog.failure = failureOf(error, dialog.greeting ? 'dialogue' : 'greeting', session.reader.buffered > 0)
  }
}

/** A plaintext greeting first (or silence: then maybe implicit TLS on an unusual port). */
async function plaintextPath(
  endpoint: Endpoint,
  mayBeImplicit: boolean,
  o: ConverseOptions,
): Promise<Dialog> {
  const dialog = emptyDialog()
  const where = describeEndpoint(endpoint)
  const t0 = performance.now()
  let socket: net.Socket
  try {
    socket = o.track(await connectTcp(endpoint, { timeoutMs: o.timeoutMs, signal: o.signal }))
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    dialog.failure = failureOf(error, 'connect')
    return dialog
  }
  o.onConnected()
  // The first lines are recorded by us (replaying); the session records the rest.
  const session = openSession(socket, where, { limits: o.limits, signal: o.signal, transcript: o.transcript })
  const sniffMs = Math.min(o.greetingSniffMs ?? GREETING_SNIFF_MS, o.timeoutMs)
  let first: string
  try {
    try {
      first = await session.reader.readLine(mayBeImplicit ? sniffMs : o.timeoutMs)
    } catch (error) {
      if (!(error instanceof NetError) || error.kind !== 'timeout' || !mayBeImplicit) throw error
      // A busy event loop may run the timer before reading what already arrived: look once more.
      await new Promise((resolve) => setImmediate(resolve))
      if (session.reader.buffered > 0)
        first = await session.reader.readLine(Math.max(1, o.timeoutMs - sniffMs))
      else return await silentThenTls(dialog, endpoint, session, socket, o, t0)
    }
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    const partial = session.reader.buffered > 0
    if (error instanceof NetError && error.kind === 'timeout' && partial) {
      const rest = session.reader.detach()
      if (looksLikeTls(rest)) {
        dialog.failure = {
          kind: 'tls-first',
          message: `${where} sent TLS bytes (${printable(rest, 24)}) instead of a greeting.`,
        }
        return dialog
      }
    }
    dialog.failure = failureOf(error, 'greeting', partial)
    return dialog
  }
  record(o.transcript, first)
  dialog.greetingMs = performance.now() - t0
  const identified = identifyGreeting(first)
  if (identified.kind === 'tls') {
    dialog.failure = {
      kind: 'tls-first',
      message: `${where} sent TLS bytes instead of a plaintext greeting.`,
    }
    return dialog
  }
  if (identified.kind === 'garbage') {
    dialog.failure = {
      kind: 'not-mail-protocol',
      message: `${where} sent ${JSON.stringify(printable(first, 80))}, which is no IMAP, POP3 or SMTP greeting.`,
    }
    return dialog
  }
  const protocol = identified.protocol
  dialog.protocol = protocol
  const dialogue = dialogues[protocol]
  const replay = replaying(session, first)
  try {
    dialog.greeting = await dialogue.greeting(replay)
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    dialog.failure = failureOf(error, 'greeting', session.reader.buffered > 0)
    return dialog
  }
  if (dialog.greeting.status === 'busy' || dialog.greeting.status === 'refused') {
    dialog.failure = {
      kind: dialog.greeting.status === 'busy' ? 'busy' : 'session-refused',
      message: `${where} greeted with ${printable(dialog.greeting.lines.join(' '), 200)}`,
    }
    return dialog
  }
  dialog.security = 'plaintext'
  try {
    dialog.before = await dialogue.capabilities(replay)
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    dialog.failure = failureOf(error, 'dialogue', session.reader.buffered > 0)
    return dialog
  }
  // PREAUTH: already logged in; STARTTLS is not allowed any more (RFC 9051 6.2.1).
  if (dialog.greeting.status === 'preauth' || !dialog.before.startTls) {
    goodbye(socket, protocol)
    return dialog
  }
  await upgrade(dialog, endpoint, session, dialogue, o)
  return dialog
}

/** Nothing arrived within the sniff window: try TLS on the same socket. */
async function silentThenTls(
  dialog: Dialog,
  endpoint: Endpoint,
  session: Session,
  socket: net.Socket,
  o: ConverseOptions,
  t0: number,
): Promise<Dialog> {
  const where = describeEndpoint(endpoint)
  session.reader.detach()
  try {
    const secure = o.track(await handshakeTls(endpoint, { ...o.tlsBase, socket }))
    o.markTls()
    dialog.security = 'implicit-tls'
    dialog.tlsMs = performance.now() - t0
    dialog.tls = handshakeFacts(secure, endpoint.host, o.trust, o.now())
    await afterImplicit(dialog, secure, where, o, t0)
    return dialog
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    // Perhaps the greeting was only slow and our ClientHello met it (OpenSSL then fails, or waits
    // for a "record" that never completes): start over once, waiting the whole timeout for it.
    const retry = await plaintextPath(endpoint, false, o)
    if (retry.failure?.kind !== 'no-greeting') return retry
    dialog.failure = {
      kind: 'no-greeting',
      message: `${where} accepted the connection but sent no greeting within ${Math.min(o.greetingSniffMs ?? GREETING_SNIFF_MS, o.timeoutMs)} ms, did not complete a TLS handshake (${error instanceof Error ? error.message : String(error)}), and sent nothing on a second connection within ${o.timeoutMs} ms either.`,
    }
    return dialog
  }
}

/** STARTTLS on the main connection, then the capabilities again over TLS. */
async function upgrade(
  dialog: Dialog,
  endpoint: Endpoint,
  session: Session,
  dialogue: Dialogue,
  o: ConverseOptions,
): Promise<void> {
  const where = describeEndpoint(endpoint)
  const t0 = performance.now()
  let secure: tls.TLSSocket
  try {
    const upgraded = await startTls(session, endpoint, dialogue, {
      ...o.tlsBase,
      injectionWatchMs: INJECTION_WATCH_MS,
    })
    secure = o.track(upgraded.tls)
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    if (error instanceof NetError && error.kind === 'starttls-refused') {
      dialog.failure = failureOf(error, 'dialogue')
      return
    }
    dialog.security = 'starttls'
    if (error instanceof NetError && error.kind === 'injection') {
      const data = error.data ?? Buffer.alloc(0)
      dialog.injection = { bytes: data.length, excerpt: printable(data, 200) }
      dialog.failure = failureOf(error, 'dialogue')
      return
    }
    const failure = failureOf(error, 'handshake')
    // OpenSSL fails (or the server resets) when no version in common: the attempts decide.
    if (failure.kind === 'tls-failed' || failure.kind === 'reset' || failure.kind === 'closed') {
      // Perhaps only TLS 1.0/1.1: the version attempts decide, and supply the facts if so.
      dialog.viaStartTls = true
      dialog.tlsError = failure.message
      dialog.pendingFailure = failure
      return
    }
    dialog.failure = failure
    return
  }
  dialog.security = 'starttls'
  dialog.viaStartTls = true
  dialog.tlsMs = performance.now() - t0
  dialog.tls = handshakeFacts(secure, endpoint.host, o.trust, o.now())
  o.markTls()
  const over = openSession(secure, where, { limits: o.limits, signal: o.signal, transcript: o.transcript })
  try {
    dialog.after = await dialogue.capabilities(over)
    goodbye(secure, dialogue.protocol)
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    dialog.failure = failureOf(error, 'dialogue', over.reader.buffered > 0)
  }
}
