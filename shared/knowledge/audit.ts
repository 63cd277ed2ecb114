// Audits the settings a user's client really has (imported from a Thunderbird profile, or typed)
// against what the probe found on those endpoints: a setting that cannot work (STARTTLS on 993), a
// setting that works but can be downgraded ("STARTTLS, if available"), and the server's own
// problems the user is exposed to through it. Pure.
import { type MailProtocol, verdictOf } from '../contract/mail.js'
import type { EndpointReport, ProbeFinding } from '../contract/probe.js'
import type { AuditEntry } from '../contract/probe-accounts.js'
import type { MailClientId } from '../contract/schemas.js'
import { adviceFor, explainMismatch, type SettingMeaning } from './explain.js'
import type { ThunderbirdSecurity, ThunderbirdServer } from './thunderbird-prefs.js'

export interface ClientSetting {
  key: string
  protocol: MailProtocol
  host: string
  port: number
  /** The label as the client shows it. */
  label: string
  /** What the label means; null when it could not be understood (then the entry is unchecked). */
  meaning: SettingMeaning | null
}

const THUNDERBIRD_MEANINGS: Record<ThunderbirdSecurity, Omit<SettingMeaning, 'label'> | null> = {
  plaintext: { mode: 'plaintext', downgradable: false, acceptsAnyCertificate: false },
  'starttls-if-available': { mode: 'starttls', downgradable: true, acceptsAnyCertificate: false },
  starttls: { mode: 'starttls', downgradable: false, acceptsAnyCertificate: false },
  'implicit-tls': { mode: 'implicit-tls', downgradable: false, acceptsAnyCertificate: false },
  unknown: null,
}

/** A Thunderbird server from prefs.js as a setting to audit. */
export function thunderbirdSetting(server: ThunderbirdServer): ClientSetting {
  const meaning = THUNDERBIRD_MEANINGS[server.security]
  return {
    key: server.key,
    protocol: server.protocol,
    host: server.host,
    port: server.port,
    label: server.label,
    meaning: meaning ? { ...meaning, label: server.label } : null,
  }
}

function sameEndpoint(setting: ClientSetting, endpoint: EndpointReport): boolean {
  return endpoint.host.toLowerCase() === setting.host.toLowerCase() && endpoint.port === setting.port
}

/** The endpoint of the probe that this setting talks to, if it was probed. */
export function endpointFor(
  setting: ClientSetting,
  endpoints: readonly EndpointReport[],
): EndpointReport | null {
  return endpoints.find((e) => sameEndpoint(setting, e)) ?? null
}

/** One setting against its endpoint (null: not probed). */
export function auditSetting(
  setting: ClientSetting,
  endpoint: EndpointReport | null,
  client: MailClientId = 'thunderbird',
): AuditEntry {
  const base = {
    key: setting.key,
    protocol: setting.protocol,
    host: setting.host,
    port: setting.port,
    label: setting.label,
  }
  if (!endpoint || !setting.meaning) {
    return {
      ...base,
      status: 'unchecked',
      found: endpoint?.security ?? null,
      verdict: endpoint?.verdict ?? null,
      problems: [],
      advice: endpoint
        ? `Mailwarden does not know what "${setting.label}" means, so it cannot say whether it matches.`
        : null,
    }
  }
  const mismatches: ProbeFinding[] = explainMismatch(setting.meaning, endpoint, client).map(
    ({ id, severity, title, detail, fix }) => ({ id, severity, title, detail, fix }),
  )
  // The server's own problems reach the user through this setting too (an expired certificate...).
  const serverProblems = endpoint.findings.filter((f) => f.severity !== 'info')
  const problems = [...mismatches, ...serverProblems]
  const advice = adviceFor(client, endpoint)
  return {
    ...base,
    status: verdictOf(problems.map((p) => p.severity)),
    found: endpoint.security,
    verdict: endpoint.verdict,
    problems,
    advice: mismatches.length > 0 ? advice.sentence : null,
  }
}

/** Every setting against the probe's endpoints. */
export function auditSettings(
  settings: readonly ClientSetting[],
  endpoints: readonly EndpointReport[],
  client: MailClientId = 'thunderbird',
): AuditEntry[] {
  return settings.map((s) => auditSetting(s, endpointFor(s, endpoints), client))
}
