import type { SettingsState } from '../../../shared/contract/index.js'
import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { unwrap, usageError } from '../output.js'

const NUMERIC = new Set(['connectTimeoutSeconds'])

/** `key=value` pairs to a settings patch; "none" clears a nullable field such as dnsServer. */
function parsePairs(pairs: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw usageError(`Expected key=value, got ${JSON.stringify(pair)}.`)
    const key = pair.slice(0, eq)
    const raw = pair.slice(eq + 1)
    patch[key] = raw === 'none' ? null : NUMERIC.has(key) ? Number(raw) : raw
  }
  return patch
}

function formatSettings(state: SettingsState): string {
  const lines = Object.entries(state.settings).map(([key, value]) => `  ${key} = ${value ?? 'none'}`)
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
dnsServer (IP[:port], or none for the system resolver), connectTimeoutSeconds (1-120).`,
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
