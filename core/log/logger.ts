// One logger for the engine: every line is redacted, pushed to the UI as a `log` event and, when
// asked, echoed to stderr (the CLI and web host do; Electron keeps its console for DevTools).
import { LogLevel } from '../../shared/contract/index.js'
import type { EventBus } from '../events/bus.js'
import { redact } from './redact.js'

export interface Logger {
  debug(source: string, message: string): void
  info(source: string, message: string): void
  warn(source: string, message: string): void
  error(source: string, message: string): void
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

export interface LoggerOptions {
  /** Lines at or above this level go to stderr; null keeps stderr quiet. */
  echoLevel?: LogLevel | null
}

export function createLogger(events: EventBus, options: LoggerOptions = {}): Logger {
  const fromEnv = LogLevel.safeParse(process.env.MAILWARDEN_LOG_LEVEL)
  const echoLevel = fromEnv.success ? fromEnv.data : (options.echoLevel ?? null)
  const write = (level: LogLevel, source: string, message: string) => {
    const line = { at: new Date().toISOString(), level, source, message: redact(message) }
    events.emit('log', line)
    if (echoLevel !== null && ORDER[level] >= ORDER[echoLevel]) {
      process.stderr.write(`${line.at} ${level} [${source}] ${line.message}\n`)
    }
  }
  return {
    debug: (source, message) => write('debug', source, message),
    info: (source, message) => write('info', source, message),
    warn: (source, message) => write('warn', source, message),
    error: (source, message) => write('error', source, message),
  }
}
