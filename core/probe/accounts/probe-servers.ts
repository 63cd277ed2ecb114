// Probes a list of known servers (a saved account's, or those read from a Thunderbird profile)
// with the one probe (run.ts), as explicit settings so each is probed as the protocol it is, and
// hands back each server's endpoint report. Batches stay within the probe's target cap.
import type { MailProtocol, TransportSecurity } from '../../../shared/contract/mail.js'
import type { EndpointReport } from '../../../shared/contract/probe.js'
import { PROBE_TARGETS_MAX } from '../../../shared/contract/probe-target.js'
import type { MailClientId } from '../../../shared/contract/schemas.js'
import type { EngineContext } from '../../context.js'
import { probe } from '../run.js'

export interface KnownServer {
  protocol: MailProtocol
  host: string
  port: number
  /** The client's label for its setting; absent: the saved security in Thunderbird's words. */
  label?: string
  security?: TransportSecurity
}

const LABELS = { 'implicit-tls': 'SSL/TLS', starttls: 'STARTTLS', plaintext: 'None' } as const

function keyOf(s: { host: string; port: number }): string {
  return `${s.host.toLowerCase()}:${s.port}`
}

export async function probeServers<S extends KnownServer>(
  context: EngineContext,
  servers: readonly S[],
  options: { timeoutMs: number; client: MailClientId; signal?: AbortSignal },
): Promise<Map<S, EndpointReport>> {
  const { settings } = await context.settings.load()
  const resolver = await context.resolver()
  const unique = [...new Map(servers.map((s) => [keyOf(s), s])).values()]
  const byKey = new Map<string, EndpointReport>()
  for (let i = 0; i < unique.length; i += PROBE_TARGETS_MAX) {
    const batch = unique.slice(i, i + PROBE_TARGETS_MAX)
    const report = await probe(
      {
        targets: [],
        ports: [],
        servers: batch.map((s) => ({
          protocol: s.protocol,
          host: s.host,
          port: s.port,
          security: s.label ?? LABELS[s.security ?? 'implicit-tls'],
          client: 'thunderbird' as const,
        })),
      },
      {
        resolver,
        caFile: settings.extraCaFile,
        timeoutMs: options.timeoutMs,
        client: options.client,
        ispdbUrl: null,
        signal: options.signal,
      },
    )
    for (const endpoint of report.endpoints) byKey.set(keyOf(endpoint), endpoint)
  }
  const out = new Map<S, EndpointReport>()
  for (const s of servers) {
    const endpoint = byKey.get(keyOf(s))
    if (endpoint) out.set(s, endpoint)
  }
  return out
}
