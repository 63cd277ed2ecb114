import path from 'node:path'
import type { SettingsState } from '../../../shared/contract/index.js'
import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { unwrap, usageError } from '../output.js'

const NUMERIC = new Set(['connectTimeoutSeconds'])
const BOOLEAN = new Set(['startAtLogin'])
/** Lists of words, given comma-separated ("none" empties them). */
const WORDS = new Set(['ownDomains'])

function parseValue(key: string, raw: string): unknown {
  if (WORDS.has(key))
    return raw === 'none'
      ? []
      : raw
          .split(',')
          .map((word) => word.trim())
          .filter(Boolean)
  if (raw === 'none') return null
  if (NUMERIC.has(key)) return Number(raw)
  if (BOOLEAN.has(key)) return raw === 'true' ? true : raw === 'false' ? false : raw
  // A relative CA file path means the user's directory here; the engine needs the full path.
  if (key === 'extraCaFile') return path.resolve(raw)
  return raw
}

/** `key=value` pairs to a settings patch; "none" clears a nullable field such as dnsServer. */
function parsePairs(pairs: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw usageError(`Expected key=value, got ${JSON.stringify(pair)}.`)
    const key = pair.slice(0, eq)
    const raw = pair.slice(eq + 1)
    patch[key] = parseValue(key, raw)
  }
  return patch
}

/** One line per setting; lists (saved accounts, tunnels) as a count, not "[object Object]". */
function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined) return 'none'
  if (WORDS.has(key) && Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ')
  if (Array.isArray(value)) return `${value.length} saved`
  return String(value)
}

function formatSettings(state: SettingsState): string {
  const lines = Object.entries(state.settings).map(([key, value]) => `  ${key} = ${valueText(key, value)}`)
  const notice = state.recovered
    ? `\nThe settings file could not be read (${state.recovered.reason}); it was kept as ${state.recovered.backupPath}.`
    : ''
  return `Settings (${state.path}):\n${lines.join('\n')}${notice}`
}

export const settingsCommand: Command = {
  name: 'settings',
  summary: 'Show or change settings',
  usage: `mailwarden settings [get] [--json]
mailwarden settings set KEY=VALUE... [--json]

Keys: theme (system|light|dark), mailClient (thunderbird|outlook|apple-mail|k9-mail|evolution|generic),
dnsServer (IP[:port], or none for the system resolver), connectTimeoutSeconds (1-120),
extraCaFile (a PEM file of CA certificates to trust besides the system's, or none; checked when set),
ispdbUrl (https:// base URL of the ISP database), startAtLogin (true|false),
ownDomains (the domains you run, comma-separated, or none: a DKIM signature from one links to its check).`,
  async run(args, context) {
    const [action = 'get', ...rest] = args
    const engine = await context.engine()
    let state: SettingsState
    if (action === 'get') state = unwrap(await engine.call('settings.get', {}))
    else if (action === 'set') {
      if (rest.length === 0) throw usageError('settings set needs at least one KEY=VALUE.')
      state = unwrap(await engine.call('settings.update', parsePairs(rest)))
    } else throw usageError(`Unknown settings action ${JSON.stringify(action)}; use get or set.`)
    context.io.out(context.json ? JSON.stringify(state) : formatSettings(state))
    return EXIT.ok
  },
}
