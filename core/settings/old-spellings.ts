// Settings files written before the mail vocabulary became one (issue 14) spelled a tunnel's
// security `implicit` (mode) and `plain` (localTls). They read as the one spelling of
// shared/contract/mail.ts, so an upgrade keeps the user's tunnels instead of setting the file aside.
import type { TransportSecurity } from '../../shared/contract/mail.js'

const RENAMED: Readonly<Record<string, TransportSecurity>> = { implicit: 'implicit-tls', plain: 'plaintext' }

function renamed(value: unknown): unknown {
  return typeof value === 'string' && Object.hasOwn(RENAMED, value) ? RENAMED[value] : value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A tunnel entry (settings file or the CLI's --config file) with the old words replaced. */
export function upgradeTunnelEntry(entry: unknown, fields: readonly string[]): unknown {
  if (!isRecord(entry)) return entry
  const copy = { ...entry }
  for (const field of fields) if (field in copy) copy[field] = renamed(copy[field])
  return copy
}

/** A JSON object's `tunnels` list with the old words of these fields replaced; anything else as it was. */
export function upgradeTunnelList(json: unknown, fields: readonly string[]): unknown {
  if (!isRecord(json) || !Array.isArray(json.tunnels)) return json
  return { ...json, tunnels: json.tunnels.map((t) => upgradeTunnelEntry(t, fields)) }
}

/** The parsed settings JSON with the old spellings replaced; anything else is left for the schema to judge. */
export function upgradeOldSpellings(json: unknown): unknown {
  return upgradeTunnelList(json, ['mode', 'localTls'])
}
