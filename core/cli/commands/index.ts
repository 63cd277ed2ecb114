// Every command, in the order `--help` lists them. probe, dkim and tunnel join here.
import type { Command } from '../command.js'
import { dkimCommand } from './dkim.js'
import { probeCommand } from './probe.js'
import { secretsCommand } from './secrets.js'
import { settingsCommand } from './settings.js'
import { tunnelCommand } from './tunnel.js'
import { uiCommand } from './ui.js'

export const commands: Command[] = [
  uiCommand,
  settingsCommand,
  secretsCommand,
  probeCommand,
  dkimCommand,
  tunnelCommand,
]
