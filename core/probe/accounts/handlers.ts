// accounts.*: saved accounts (shared/contract/probe-accounts.ts), composed by core/engine.ts.
// Passwords go to the keychain and to a TLS session, nowhere else: never a log line, never a
// response.
import type { SavedAccount } from '../../../shared/contract/accounts.js'
import type { OpResponse } from '../../../shared/contract/index.js'
import type { LoginResult, RecheckAccount } from '../../../shared/contract/probe-accounts.js'
import { auditSettings, thunderbirdSetting } from '../../../shared/knowledge/audit.js'
import { importThunderbirdPrefs, PrefsError } from '../../../shared/knowledge/thunderbird-prefs.js'
import { EngineError } from '../../api/errors.js'
import type { JobModule, OpParsedRequest } from '../../api/handlers.js'
import type { EngineContext } from '../../context.js'
import { CaFileError, loadTrust } from '../tls/trust.js'
import { recheckServer, rememberCheck } from './callouts.js'
import { testLogin } from './login.js'
import { probeServers } from './probe-servers.js'
import { deleteAccount, findAccount, listAccounts, recordChecks, saveAccount } from './store.js'

type AccountOps =
  | 'accounts.list'
  | 'accounts.save'
  | 'accounts.delete'
  | 'accounts.testLogin'
  | 'accounts.recheck'
  | 'accounts.importThunderbird'

/** The login name: the one saved, else the target when it is an address. */
function usernameOf(account: SavedAccount): string {
  if (account.username) return account.username
  if (account.target.includes('@')) return account.target
  throw new EngineError(
    'invalid-request',
    `The account "${account.label}" has no login name; save it with one (often the email address) and try again.`,
  )
}

export function accountsModule(context: EngineContext): JobModule<AccountOps> {
  const { settings, keychain, log } = context

  return {
    handlers: {
      'accounts.list': async () => ({ accounts: await listAccounts(settings) }),

      'accounts.save': async (request) => {
        const account = await saveAccount(settings, keychain, request)
        log.info(
          'accounts',
          `Saved account ${account.id} (${account.servers.length} server(s))${request.password !== undefined ? '; its password is in the keychain' : ''}.`,
        )
        return { account }
      },

      'accounts.delete': async ({ id }) => {
        const result = await deleteAccount(settings, keychain, id)
        if (result.deleted) log.info('accounts', `Deleted account ${id}.`)
        return { id, ...result }
      },

      'accounts.testLogin': (request) => testLogins(context, request),

      'accounts.recheck': (request) => recheck(context, request),

      'accounts.importThunderbird': (request) => importThunderbird(context, request),
    },
  }
}

/** The trust, deadline and resolver of one operation, from the saved settings. */
async function environment(context: EngineContext, timeoutMs: number | undefined) {
  const current = (await context.settings.load()).settings
  let trust: Awaited<ReturnType<typeof loadTrust>>
  try {
    trust = await loadTrust(current.extraCaFile)
  } catch (error) {
    if (error instanceof CaFileError)
      throw new EngineError('invalid-request', `${error.message} (Settings → extra CA file).`)
    throw error
  }
  return {
    trust,
    // The OS trust store (and the extra CA file), as the probe trusts: not Node's bundled roots.
    ca: trust.caPems,
    timeoutMs: timeoutMs ?? current.connectTimeoutSeconds * 1000,
    resolver: await context.resolver(),
  }
}

/** Logs in to each server of a saved account, one after another; the password is used once. */
async function testLogins(
  context: EngineContext,
  { id, password, timeoutMs }: OpParsedRequest<'accounts.testLogin'>,
): Promise<OpResponse<'accounts.testLogin'>> {
  const { settings, keychain, log } = context
  const account = await findAccount(settings, id)
  const username = usernameOf(account)
  const secret = password ?? (account.secretAccount ? await keychain.get(account.secretAccount) : null)
  if (!secret)
    throw new EngineError(
      'invalid-request',
      `No password is stored for "${account.label}"; type it to test the login (it is used once and not stored), or save it with the account.`,
    )
  const env = await environment(context, timeoutMs)
  const results: LoginResult[] = []
  // One server after another: several logins at once look like an attack to the server.
  for (const server of account.servers) {
    let address: string | null = null
    try {
      address = (await env.resolver.addresses(server.host))[0] ?? null
    } catch (error) {
      results.push({
        protocol: server.protocol,
        host: server.host,
        port: server.port,
        security: server.security,
        status: 'error',
        trustedBy: null,
        tlsVersion: null,
        fingerprintSha256: null,
        offered: [],
        mechanisms: [],
        message: error instanceof Error ? error.message : String(error),
      })
      continue
    }
    const result = await testLogin(
      server,
      { username, password: secret },
      { ca: env.ca, timeoutMs: env.timeoutMs, address },
    )
    results.push(result)
    log.info(
      'accounts',
      `Test login to ${server.host}:${server.port} (${server.protocol}): ${result.status}${result.mechanisms.length ? ` [${result.mechanisms.map((m) => `${m.mechanism} ${m.outcome}`).join(', ')}]` : ''}.`,
    )
  }
  return { id, results }
}

/** Probes the servers of the chosen accounts again and records what changed since the last check. */
async function recheck(
  context: EngineContext,
  { ids, timeoutMs }: OpParsedRequest<'accounts.recheck'>,
): Promise<OpResponse<'accounts.recheck'>> {
  const { settings, log } = context
  const all = await listAccounts(settings)
  const chosen = ids ? all.filter((a) => ids.includes(a.id)) : all
  const missing = ids?.filter((id) => !all.some((a) => a.id === id)) ?? []
  if (missing.length > 0)
    throw new EngineError('not-found', `There is no saved account ${JSON.stringify(missing[0])}.`)
  const env = await environment(context, timeoutMs)
  const checkedAt = new Date().toISOString()
  const servers = chosen.flatMap((a) => a.servers)
  const reports = await probeServers(context, servers, { timeoutMs: env.timeoutMs, client: 'generic' })
  const accounts: RecheckAccount[] = []
  const updates = new Map<string, { servers: SavedAccount['servers']; checkedAt: string }>()
  for (const account of chosen) {
    const checked = account.servers.map((s) => ({ saved: s, report: reports.get(s) }))
    const rows = checked.flatMap(({ saved, report }) => (report ? [recheckServer(saved, report)] : []))
    accounts.push({
      id: account.id,
      label: account.label,
      servers: rows,
      callouts: rows.reduce((n, r) => n + r.callouts.length, 0),
    })
    const callouts = rows.flatMap((r) => r.callouts.map((c) => ({ ...c, host: r.host, port: r.port })))
    if (callouts.length > 0)
      context.events.emit('accounts.checked', { id: account.id, label: account.label, callouts })
    updates.set(account.id, {
      servers: checked.map(({ saved, report }) => (report ? rememberCheck(saved, report) : saved)),
      checkedAt,
    })
  }
  await recordChecks(settings, updates)
  log.info('accounts', `Re-checked ${chosen.length} account(s), ${servers.length} server(s).`)
  return { checkedAt, accounts }
}

/** Reads Thunderbird's prefs.js, and audits (optionally probes) the servers it names. */
async function importThunderbird(
  context: EngineContext,
  { prefs, probe, timeoutMs }: OpParsedRequest<'accounts.importThunderbird'>,
): Promise<OpResponse<'accounts.importThunderbird'>> {
  let imported: ReturnType<typeof importThunderbirdPrefs>
  try {
    imported = importThunderbirdPrefs(prefs)
  } catch (error) {
    if (error instanceof PrefsError)
      throw new EngineError('invalid-request', `This prefs.js cannot be read: ${error.message}.`)
    throw error
  }
  const settingsToAudit = imported.servers.map(thunderbirdSetting)
  let audit = auditSettings(settingsToAudit, [])
  if (probe && imported.servers.length > 0) {
    const env = await environment(context, timeoutMs)
    const reports = await probeServers(
      context,
      // A socketType Mailwarden does not know cannot be probed as the user has it: left unchecked.
      imported.servers
        .filter((s) => s.security !== 'unknown')
        .map((s) => ({
          protocol: s.protocol,
          host: s.host,
          port: s.port,
          label: s.label,
        })),
      { timeoutMs: env.timeoutMs, client: 'thunderbird' },
    )
    audit = auditSettings(settingsToAudit, [...reports.values()])
  }
  return {
    servers: imported.servers.map((s) => ({
      key: s.key,
      protocol: s.protocol,
      host: s.host,
      port: s.port,
      label: s.label,
      username: s.username,
      emails: s.emails,
    })),
    warnings: imported.warnings,
    audit,
  }
}
