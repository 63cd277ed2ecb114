// Every command, in the order `--help` lists them. Each is loaded when it runs: a command's code
// (and what it imports: the engine, the probe, the web host...) costs start-up time and memory,
// and `dkim verify` over a big archive should carry only the verifier.
import type { Command } from '../command.js'

export interface CommandEntry {
  name: string
  load(): Promise<Command>
}

export const commands: CommandEntry[] = [
  { name: 'ui', load: async () => (await import('./ui.js')).uiCommand },
  { name: 'settings', load: async () => (await import('./settings.js')).settingsCommand },
  { name: 'secrets', load: async () => (await import('./secrets.js')).secretsCommand },
  { name: 'probe', load: async () => (await import('./probe.js')).probeCommand },
  { name: 'domain', load: async () => (await import('./domain.js')).domainCommand },
  { name: 'dkim', load: async () => (await import('./dkim.js')).dkimCommand },
  { name: 'tunnel', load: async () => (await import('./tunnel.js')).tunnelCommand },
  { name: 'oauth', load: async () => (await import('./oauth.js')).oauthCommand },
]
