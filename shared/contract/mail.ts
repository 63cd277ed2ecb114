// The mail vocabulary every job speaks: protocols, how a connection is secured, ports, how serious
// a finding is, how an endpoint fares and the result words of RFC 8601. One spelling each; the
// probe, DKIM, the tunnel, saved accounts, the CLI's JSON and the UI all import these (issue 14).
// Each schema is marked pure: a bundle that takes only the plain values (the DKIM verifier threads)
// leaves zod out, which starts each thread about 100 ms sooner.
import { z } from 'zod'

export const MailProtocol = /* @__PURE__ */ z.enum(['imap', 'pop3', 'smtp'])
export type MailProtocol = z.infer<typeof MailProtocol>

/** How the CLI, the reports and the UI name a protocol. */
export const PROTOCOL_WORDS: Record<MailProtocol, string> = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' }

/**
 * How a connection is secured: implicit TLS from the first byte (993/995/465, RFC 8314), STARTTLS
 * on the ordinary port (143/110/587/25), or not at all.
 */
export const TransportSecurity = /* @__PURE__ */ z.enum(['implicit-tls', 'starttls', 'plaintext'])
export type TransportSecurity = z.infer<typeof TransportSecurity>

/** The two ways to reach TLS: what the tunnel asks of the real server (never plaintext). */
export const TlsSecurity = /* @__PURE__ */ TransportSecurity.exclude(['plaintext'])
export type TlsSecurity = z.infer<typeof TlsSecurity>

const PORT_MESSAGE = 'a port is a number from 1 to 65535'
export const Port = /* @__PURE__ */ z.number().int().min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE)
/** A port to listen on: 0 asks the system for any free one. */
export const ListenPort = /* @__PURE__ */ z.number().int().min(0).max(65535)

/** The standard port of each protocol for each kind of security (RFC 8314, RFC 6409, RFC 5321). */
export const STANDARD_PORTS: Record<MailProtocol, Record<TlsSecurity, number>> = {
  imap: { 'implicit-tls': 993, starttls: 143 },
  pop3: { 'implicit-tls': 995, starttls: 110 },
  smtp: { 'implicit-tls': 465, starttls: 587 },
}

/** Ports where TLS starts with the first byte; SMTP's port 25 is STARTTLS like 587. */
export const IMPLICIT_TLS_PORTS: ReadonlySet<number> = new Set(
  Object.values(STANDARD_PORTS).map((ports) => ports['implicit-tls']),
)

/** The security a standard port implies; null for a port that is not one of them. */
export function securityOfPort(port: number): TlsSecurity | null {
  if (IMPLICIT_TLS_PORTS.has(port)) return 'implicit-tls'
  if (port === 25 || Object.values(STANDARD_PORTS).some((ports) => ports.starttls === port)) return 'starttls'
  return null
}

/** How serious a finding is: `bad` is a risk to act on, `warn` a weakness, `info` a fact worth knowing. */
export const Severity = /* @__PURE__ */ z.enum(['bad', 'warn', 'info'])
export type Severity = z.infer<typeof Severity>

/** Most serious first: sort findings with `SEVERITY_RANK[a] - SEVERITY_RANK[b]`. */
export const SEVERITY_RANK: Record<Severity, number> = { bad: 0, warn: 1, info: 2 }

/** How the CLI and the UI name a severity. */
export const SEVERITY_WORDS: Record<Severity, string> = { bad: 'Bad', warn: 'Warning', info: 'Note' }

/** The longest text of each part of a finding: a finding is a sentence or two, not a dump. */
export const FINDING_TEXT_MAX = { id: 80, title: 300, detail: 4000, fix: 2000 } as const

/**
 * A finding of the probe, discovery or a domain check: a stable id (a key of the job's table in
 * shared/knowledge/), how serious, its title, what it means here (may quote server text: show it
 * as text) and what to do, in one sentence. DKIM's findings name a signature instead of a fix.
 */
export const Finding = /* @__PURE__ */ z
  .object({
    id: z.string().max(FINDING_TEXT_MAX.id),
    severity: Severity,
    title: z.string().max(FINDING_TEXT_MAX.title),
    detail: z.string().max(FINDING_TEXT_MAX.detail),
    fix: z.string().max(FINDING_TEXT_MAX.fix),
  })
  .strict()
export type Finding = z.infer<typeof Finding>

/** RFC 8601 section 2.7.1 result words: what a DKIM signature, and a message, came to. */
export const DkimResult = /* @__PURE__ */ z.enum([
  'pass',
  'fail',
  'neutral',
  'policy',
  'temperror',
  'permerror',
  'none',
])
export type DkimResult = z.infer<typeof DkimResult>

/**
 * Best first: a message's verdict is the best result among its signatures, and the batch table
 * sorts by it (a policy result verified but was refused by the verifier's policy).
 */
export const DKIM_RESULT_ORDER: readonly DkimResult[] = [
  'pass',
  'policy',
  'fail',
  'temperror',
  'permerror',
  'neutral',
  'none',
]

/** How an endpoint (or an account) fares overall: the worst of its findings, `info` counting as good. */
export const Verdict = /* @__PURE__ */ z.enum(['good', 'warn', 'bad'])
export type Verdict = z.infer<typeof Verdict>

/** How the CLI, the reports and the UI name a verdict. */
export const VERDICT_WORDS: Record<Verdict, string> = { good: 'Good', warn: 'Warning', bad: 'Bad' }

/** Best first. */
export const VERDICT_RANK: Record<Verdict, number> = { good: 0, warn: 1, bad: 2 }

/** The verdict that findings of these severities give. */
export function verdictOf(severities: Iterable<Severity>): Verdict {
  let verdict: Verdict = 'good'
  for (const severity of severities) {
    if (severity === 'bad') return 'bad'
    if (severity === 'warn') verdict = 'warn'
  }
  return verdict
}
