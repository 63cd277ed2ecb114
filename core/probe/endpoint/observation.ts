// What the prober saw on one endpoint, before any judgement: verdict.ts turns it into findings
// and a verdict, so the rules are pure and unit-tested apart from the sockets.
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type { InjectionFacts, ProbeSecurity, TlsFacts } from '../../../shared/contract/probe.js'
import type { ClientSecurityMeaning } from '../../../shared/contract/probe-target.js'
import type { Capabilities } from '../../net/dialogues/index.js'

/** Why the dialogue stopped early, as a finding id knows it. */
export type FailureKind =
  | 'dns'
  | 'refused'
  | 'connect-timeout'
  | 'unreachable'
  | 'no-greeting'
  | 'slow-reply'
  | 'endless-line'
  | 'too-much-data'
  | 'not-mail-protocol'
  | 'tls-first'
  | 'reset'
  | 'closed'
  | 'busy'
  | 'session-refused'
  | 'protocol-error'
  | 'starttls-refused'
  | 'injection'
  | 'tls-failed'
  | 'tls-timeout'

export interface ProbeFailure {
  kind: FailureKind
  /** The sentence of the NetError (or ours), naming the endpoint. */
  message: string
}

export interface Observation {
  host: string
  port: number
  /** What discovery expected the port to speak. */
  expectedProtocol: MailProtocol
  /** What the greeting showed (null when nothing identifiable arrived). */
  protocol: MailProtocol | null
  security: ProbeSecurity
  /** The first thing that went wrong, if the dialogue did not finish. */
  failure: ProbeFailure | null
  /** The port normally starts with TLS (993, 995, 465) or discovery said so. */
  expectedImplicit: boolean
  greetingStatus: 'ok' | 'preauth' | 'refused' | 'busy' | null
  /** The greeting text says STARTTLS/STLS although it is not an offer. */
  greetingMentionsStartTls: boolean
  before: Capabilities | null
  after: Capabilities | null
  injection: InjectionFacts | null
  tls: TlsFacts | null
  clientSetting: ClientSecurityMeaning | null
  /** One of a host's standard ports, probed because the user named only the host: a refused
   * connection there means the service is not offered, not that something is wrong. */
  sweep: boolean
}
