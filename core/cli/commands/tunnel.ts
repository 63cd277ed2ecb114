// `mailwarden tunnel`: one tunnel from flags, or several from a JSON file, running until SIGINT or
// SIGTERM. Not saved in settings (the app's tunnels are); it uses the settings' extra CA file,
// DNS server and connect timeout. One line per tunnel on stdout when it listens; connection
// records on stderr (JSON lines with --json-log), credentials redacted.
import fs from 'node:fs'
import net from 'node:net'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { MailProtocol, TlsSecurity, TransportSecurity } from '../../../shared/contract/mail.js'
import type { ConnectionRecord, UpstreamCheck } from '../../../shared/contract/tunnel.js'
import { SpkiPin, TunnelConfig } from '../../../shared/contract/tunnel-config.js'
import { TUNNEL_FINDINGS } from '../../../shared/knowledge/tunnel-findings.js'
import { EngineError } from '../../api/errors.js'
import type { Keychain } from '../../keychain/keychain.js'
import { upgradeTunnelEntry, upgradeTunnelList } from '../../settings/old-spellings.js'
import { checkUpstream } from '../../tunnel/check.js'
import { type LocalTlsRuntime, prepareLocalTls } from '../../tunnel/local-tls.js'
import { cachedResolve, trustPolicy } from '../../tunnel/runtime.js'
import type { SignInRuntime } from '../../tunnel/sign-in/gate.js'
import { Tunnel } from '../../tunnel/tunnel.js'
import type { TrustPolicy } from '../../tunnel/upstream.js'
import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { CliError, usageError } from '../output.js'
import { cliTunnelIdsOfOneRun, type TunnelEnds } from './tunnel-id.js'
import {
  anyOAuthFlag,
  cliSignIn,
  OAUTH_FLAG_OPTIONS,
  oauthOfFlags,
  TUNNEL_OAUTH_USAGE,
} from './tunnel-oauth.js'

/** A --config file is a short list of tunnels; a bigger file is a mistake. */
const MAX_CONFIG_FILE_BYTES = 256 * 1024

const FileEntry = z
  .object({
    name: z.string().min(1).max(100).optional(),
    listen: z.string().min(1).max(300),
    to: z.string().min(1).max(300),
    tls: TlsSecurity,
    protocol: MailProtocol,
    ca: z.string().max(4096).nullable().optional(),
    pin: SpkiPin.nullable().optional(),
    allowLan: z.boolean().optional(),
    allowedClients: z.array(z.string()).max(64).optional(),
    localTls: TransportSecurity.optional(),
    allowLegacyLocalTls: z.boolean().optional(),
  })
  .strict()
const ConfigFile = z.object({ tunnels: z.array(FileEntry).min(1).max(100) }).strict()
type FileEntry = z.infer<typeof FileEntry>

/** Scripts written before issue 14 say `implicit` and `plain`: they still work. */
const OLD_WORD_FIELDS = ['tls', 'localTls']
const upgradeFileEntry = (entry: unknown) => upgradeTunnelEntry(entry, OLD_WORD_FIELDS)
const upgradeConfigFile = (json: unknown) => upgradeTunnelList(json, OLD_WORD_FIELDS)

/** "PORT", "HOST:PORT" or "[IPv6]:PORT". */
export function parseHostPort(
  text: string,
  what: string,
  defaultHost: string | null,
): { host: string; port: number } {
  const match =
    /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text) ??
    (/^\d{1,5}$/.test(text) ? [text, undefined, defaultHost, text] : null)
  const host = match?.[1] ?? match?.[2] ?? null
  const port = Number(match?.[3])
  if (!match || !host || !Number.isInteger(port) || port < (defaultHost ? 0 : 1) || port > 65535)
    throw usageError(
      `${what} must be ${defaultHost ? '[HOST:]PORT' : 'HOST:PORT'}, not ${JSON.stringify(text)}.`,
    )
  return { host, port }
}

function endsOf(entry: FileEntry): TunnelEnds {
  const listen = parseHostPort(entry.listen, '--listen', '127.0.0.1')
  const to = parseHostPort(entry.to, '--to', null)
  return { listenHost: listen.host, listenPort: listen.port, upstreamHost: to.host, upstreamPort: to.port }
}

function toConfig(entry: FileEntry, index: number, ends: TunnelEnds, id: string): TunnelConfig {
  const parsed = TunnelConfig.safeParse({
    id,
    name: entry.name ?? `tunnel ${index + 1}`,
    ...ends,
    mode: entry.tls,
    protocol: entry.protocol,
    caFile: entry.ca ?? null,
    pin: entry.pin ?? null,
    allowLan: entry.allowLan ?? false,
    allowedClients: entry.allowedClients ?? [],
    localTls: entry.localTls ?? 'plaintext',
    allowLegacyLocalTls: entry.allowLegacyLocalTls ?? false,
  })
  if (!parsed.success)
    throw usageError(
      `Invalid tunnel: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  return parsed.data
}

/** The tunnels of one run, each with the id its two ends make (tunnel-id.ts), not its place. */
export function toConfigs(entries: readonly FileEntry[]): TunnelConfig[] {
  const idOf = cliTunnelIdsOfOneRun()
  return entries.map((entry, index) => {
    const ends = endsOf(entry)
    return toConfig(entry, index, ends, idOf(ends))
  })
}

function readConfigFile(file: string): FileEntry[] {
  let text: string
  try {
    if (fs.statSync(file).size > MAX_CONFIG_FILE_BYTES)
      throw usageError(`${file} is larger than ${MAX_CONFIG_FILE_BYTES} bytes.`)
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`, EXIT.environment)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw usageError(`${file} is not JSON: ${(error as Error).message}`)
  }
  const parsed = ConfigFile.safeParse(upgradeConfigFile(json))
  if (!parsed.success)
    throw usageError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  return parsed.data.tunnels
}

function humanRecord(name: string, r: ConnectionRecord): string {
  return `${name} #${r.seq} ${r.client} -> ${r.upstream}: ${r.outcome}, ${r.bytesFromClient} B up, ${r.bytesToClient} B down, ${r.durationMs} ms${r.loginsFailed ? `, ${r.loginsFailed} login${r.loginsFailed === 1 ? '' : 's'} refused` : ''}${r.tls ? `, ${r.tls.version}${r.tls.resumed ? ' resumed' : ''}` : ''}${r.error ? ` (${r.error})` : ''}${r.commands.length ? ` [${r.commands.join(' | ')}]` : ''}`
}

/** What the start-time check found, and the fix, as lines for stderr. */
export function checkText(name: string, to: string, check: UpstreamCheck): string[] {
  if (check.state === 'verified' || !check.reason) return []
  const finding = TUNNEL_FINDINGS[check.reason]
  const lines = [
    `${name}: ${check.state === 'unreachable' ? 'cannot reach' : 'cannot verify'} ${to}: ${finding.title}.`,
    `  ${finding.meaning}${check.detail ? ` (${check.detail})` : ''}`,
  ]
  const cert = check.certificate
  if (cert)
    lines.push(
      `  certificate: ${cert.subject}, issued by ${cert.issuer}, valid ${cert.notBefore.slice(0, 10)} to ${cert.notAfter.slice(0, 10)}`,
      `  SHA-256 fingerprint ${cert.fingerprintSha256}`,
      `  key pin ${cert.spkiSha256}`,
    )
  lines.push(`  fix: ${finding.cliFix}`)
  return lines
}

function endpointText(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`
}

function parseFlags(args: string[]) {
  return parseArgs({
    args,
    options: {
      listen: { type: 'string' },
      to: { type: 'string' },
      tls: { type: 'string' },
      protocol: { type: 'string' },
      ca: { type: 'string' },
      pin: { type: 'string' },
      dns: { type: 'string' },
      'json-log': { type: 'boolean' },
      'local-tls': { type: 'string' },
      'local-legacy-tls': { type: 'boolean' },
      'start-unverified': { type: 'boolean' },
      config: { type: 'string' },
      ...OAUTH_FLAG_OPTIONS,
    },
    strict: true,
  }).values
}

/** The tunnels asked for: those of the --config file, or the one the flags describe. */
function entriesFrom(values: ReturnType<typeof parseFlags>): FileEntry[] {
  if (values.config) {
    if (
      values.listen ||
      values.to ||
      values.tls ||
      values.protocol ||
      values.ca ||
      values.pin ||
      values['local-tls'] ||
      values['local-legacy-tls'] ||
      anyOAuthFlag(values)
    )
      throw usageError(
        '--config takes the tunnels from the file; do not combine it with --listen, --to, --tls, --protocol, --ca, --pin, --local-tls or --oauth.',
      )
    return readConfigFile(values.config)
  }
  for (const flag of ['listen', 'to', 'tls', 'protocol'] as const)
    if (!values[flag]) throw usageError(`--${flag} is required (or --config FILE).`)
  const entry = FileEntry.safeParse(
    upgradeFileEntry({
      listen: values.listen,
      to: values.to,
      tls: values.tls,
      protocol: values.protocol,
      ca: values.ca ?? null,
      pin: values.pin ?? null,
      localTls: values['local-tls'],
      allowLegacyLocalTls: values['local-legacy-tls'],
    }),
  )
  if (values['local-legacy-tls'] && !values['local-tls'])
    throw usageError('--local-legacy-tls needs --local-tls implicit-tls|starttls.')
  if (!entry.success)
    throw usageError(entry.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '))
  return [entry.data]
}

/** What every tunnel of one command shares. */
interface Shared {
  jsonLog: boolean
  /** stderr: records, warnings, check findings. */
  log(text: string): void
  /** stdout: where each tunnel listens. */
  out(text: string): void
  resolve(host: string): Promise<string>
  keychain: Keychain
  extraCaFile: string | null
  timeoutMs: number
}

interface Started {
  tunnel: Tunnel
  bound: { host: string; port: number }
  trust: TrustPolicy
  local: LocalTlsRuntime | null
}

/** One tunnel listening (its local certificate made or loaded first, when it has a TLS local side). */
async function listen(
  config: TunnelConfig,
  shared: Shared,
  signIn: SignInRuntime | null = null,
): Promise<Started> {
  // With --json-log a warning is a JSON line too ({"tunnel", "warning"}): stderr stays JSON.
  const warn = (message: string) =>
    shared.log(
      shared.jsonLog
        ? JSON.stringify({ tunnel: config.name, warning: message })
        : `${config.name}: ${message}`,
    )
  // The certificate is kept under the tunnel's id, which its listen address and server make.
  const local = await prepareLocalTls(shared.keychain, config, warn)
  const trust = await trustPolicy(config, shared.extraCaFile)
  const tunnel = new Tunnel(config, {
    local,
    trust,
    timeoutMs: shared.timeoutMs,
    resolve: shared.resolve,
    onRecord: (record) =>
      shared.log(shared.jsonLog ? JSON.stringify(record) : humanRecord(config.name, record)),
    warn,
    signIn,
  })
  const bound = await tunnel.start()
  return { tunnel, bound, trust, local }
}

/** Like stunnel's "verifyChain": a server that cannot be verified is an error at start, not a
 * listener that fails every connection later. Says what was found; true when verified. */
async function checkAtStart(config: TunnelConfig, trust: TrustPolicy, shared: Shared): Promise<boolean> {
  const to = endpointText(config.upstreamHost, config.upstreamPort)
  const check = await checkUpstream(config, { trust, timeoutMs: shared.timeoutMs, resolve: shared.resolve })
  if (check.state === 'verified') return true
  // --json-log keeps stderr JSON lines: the finding as one object, its fix included.
  if (shared.jsonLog)
    shared.log(
      JSON.stringify({
        tunnel: config.name,
        upstream: to,
        check,
        fix: check.reason ? TUNNEL_FINDINGS[check.reason].cliFix : null,
      }),
    )
  else for (const line of checkText(config.name, to, check)) shared.log(line)
  return false
}

function announce(config: TunnelConfig, started: Started, shared: Shared): void {
  const { bound, local } = started
  shared.out(
    `listening on ${endpointText(bound.host, bound.port)} -> ${endpointText(config.upstreamHost, config.upstreamPort)} (${config.mode}, ${config.protocol})`,
  )
  if (config.oauth)
    shared.out(
      `OAuth 2.0 account ${config.oauth.accountId} (${config.oauth.mechanism}): clients log in with its address and the local password`,
    )
  if (local)
    shared.out(
      `local ${config.localTls} TLS${config.allowLegacyLocalTls ? ' (TLS 1.0/1.1 allowed)' : ''}, certificate for ${local.certificate.names.join(', ')}: pin ${local.certificate.pin} sha256 ${local.certificate.fingerprintSha256}`,
    )
}

export const tunnelCommand: Command = {
  name: 'tunnel',
  summary: 'Run a local plaintext-to-TLS tunnel for a legacy mail client',
  usage: `mailwarden tunnel --listen [HOST:]PORT --to HOST:PORT --tls implicit-tls|starttls --protocol imap|pop3|smtp
                   [--ca FILE] [--pin sha256/BASE64] [--dns HOST[:PORT]] [--json-log]
                   [--local-tls implicit-tls|starttls [--local-legacy-tls]] [--start-unverified]
                   [--oauth ACCOUNT | --oauth PROVIDER --account ADDRESS [--client-id ID]]
                   [--mechanism auto|xoauth2|oauthbearer] [--new-local-password]
mailwarden tunnel --config FILE [--dns HOST[:PORT]] [--json-log] [--start-unverified]

A legacy client talks plaintext to the local listener (127.0.0.1 unless HOST says otherwise);
Mailwarden talks verified TLS (1.2 or newer) to the server, never plaintext. Runs until Ctrl-C.

  --listen [HOST:]PORT  where the client connects (PORT 0: any free port)
  --to HOST:PORT        the real server
  --tls MODE            implicit-tls (993, 995, 465) or starttls (143, 110, 587, 25)
  --protocol P          imap, pop3 or smtp
  --ca FILE             trust these CAs (PEM) instead of the system's
  --pin sha256/BASE64   trust exactly this public key (a self-signed server); see the app's inspect
  --dns HOST[:PORT]     resolve the server with this DNS server
  --json-log            connection records and warnings as JSON lines on stderr (a refused LAN
                        client: once per address per minute, the rest counted)
  --local-tls MODE      TLS toward the client too (a LAN device): implicit-tls, or starttls offered in
                        the greeting (a login before it is refused); the certificate is generated
                        once per listen address and server (kept across restarts whatever the
                        order in --config), its key kept in the OS keychain; its pin is printed
  --local-legacy-tls    also accept TLS 1.0/1.1 from the client (old devices; never upstream)
  --start-unverified    keep listening even when the start-time check of the server fails
                        (each connection is still refused until the server can be verified)
${TUNNEL_OAUTH_USAGE}
  --config FILE         several tunnels: {"tunnels":[{"listen","to","tls","protocol","ca"?,"pin"?,
                        "allowLan"?,"allowedClients"?,"localTls"?,"allowLegacyLocalTls"?}]}

Before it says it listens, each tunnel connects once to its server and verifies it as a client
connection would. A server it cannot verify (self-signed, expired, another host's certificate, an
unknown CA) or cannot reach is reported on stderr with its certificate and the fix, and the command
exits 1 without tunnelling, unless --start-unverified.

Prints one line per tunnel when it listens: listening on HOST:PORT -> HOST:PORT (mode, protocol),
and for a TLS local side a second one: local certificate pin sha256/... sha256 AB:CD:...`,
  async run(args, context) {
    const values = parseFlags(args)
    const configs = toConfigs(entriesFrom(values))
    const engine = await context.engine()
    const oauth = await oauthOfFlags(values, engine)
    if (oauth && configs[0]) configs[0] = { ...configs[0], oauth }
    const { settings } = await engine.settings.load()
    const shared: Shared = {
      jsonLog: values['json-log'] === true,
      log: (text) => context.io.err(text),
      out: (text) => context.io.out(text),
      resolve: cachedResolve(() => engine.context.resolver(values.dns ?? null)),
      keychain: engine.context.keychain,
      extraCaFile: settings.extraCaFile,
      timeoutMs: settings.connectTimeoutSeconds * 1000,
    }
    const running: Tunnel[] = []
    let unverified = 0
    try {
      for (const config of configs) {
        const signIn = await cliSignIn(config, engine, context, {
          replacePassword: values['new-local-password'] === true,
          log: shared.log,
          jsonLog: shared.jsonLog,
        })
        const started = await listen(config, shared, signIn)
        running.push(started.tunnel)
        const verified = await checkAtStart(config, started.trust, shared)
        if (!verified && !values['start-unverified']) unverified++
        if (unverified > 0) continue
        announce(config, started, shared)
      }
    } catch (error) {
      await Promise.all(running.map((t) => t.stop()))
      if (error instanceof EngineError)
        throw new CliError(error.message, error.code === 'invalid-request' ? EXIT.usage : EXIT.environment)
      throw error
    }
    if (unverified > 0) {
      await Promise.all(running.map((t) => t.stop()))
      shared.log(
        `Not started: ${unverified === 1 ? 'the server above' : `${unverified} servers above`} could not be verified. Fix it as said, or pass --start-unverified to listen anyway.`,
      )
      return EXIT.findings
    }
    const signal = await context.stopSignal
    shared.log(`${signal}: stopping ${running.length} tunnel${running.length === 1 ? '' : 's'}…`)
    await Promise.all(running.map((t) => t.stop()))
    return EXIT.ok
  },
}
