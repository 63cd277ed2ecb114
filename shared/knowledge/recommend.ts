// Which of a probe's endpoints to set up: the one incoming server (IMAP before POP3) and the one
// outgoing submission server a person should type into their client. Pure, so the UI's summary
// and any report pick the same. Port 25 carries mail between servers and is not offered as the
// outgoing server; a server that cannot be used (no encryption, not reachable) is never picked.
import { type MailProtocol, VERDICT_RANK, type Verdict } from '../contract/mail.js'
import type { ProbeSecurity } from '../contract/probe.js'

export interface RankedEndpoint {
  protocol: MailProtocol
  port: number
  security: ProbeSecurity
  verdict: Verdict
  sourceTrusted: boolean
}

export interface Recommended<E extends RankedEndpoint> {
  incoming: E | null
  outgoing: E | null
}

const SECURITY_RANK = { 'implicit-tls': 0, starttls: 1, plaintext: 2, unreachable: 2 } as const
const PROTOCOL_RANK: Record<MailProtocol, number> = { imap: 0, pop3: 1, smtp: 0 }

function usable(e: RankedEndpoint): boolean {
  return e.security === 'implicit-tls' || e.security === 'starttls'
}

/** Best first: verdict, a trustworthy source, implicit TLS (RFC 8314), IMAP; then the report's order. */
function best<E extends RankedEndpoint>(candidates: readonly E[]): E | null {
  const ranked = candidates
    .map((e, index) => ({ e, index }))
    .filter(({ e }) => usable(e))
    .sort(
      (a, b) =>
        VERDICT_RANK[a.e.verdict] - VERDICT_RANK[b.e.verdict] ||
        Number(b.e.sourceTrusted) - Number(a.e.sourceTrusted) ||
        SECURITY_RANK[a.e.security] - SECURITY_RANK[b.e.security] ||
        PROTOCOL_RANK[a.e.protocol] - PROTOCOL_RANK[b.e.protocol] ||
        a.index - b.index,
    )
  return ranked[0]?.e ?? null
}

export function recommendedSettings<E extends RankedEndpoint>(endpoints: readonly E[]): Recommended<E> {
  return {
    incoming: best(endpoints.filter((e) => e.protocol !== 'smtp')),
    outgoing: best(endpoints.filter((e) => e.protocol === 'smtp' && e.port !== 25)),
  }
}
