// Saved accounts live in the settings file (settings.accounts); their passwords only in the OS
// keychain, under "account:<id>". Every change goes through SettingsStore.update, which validates
// and writes atomically.
import { randomBytes } from 'node:crypto'
import type { SavedAccount, SavedServer } from '../../../shared/contract/accounts.js'
import { EngineError } from '../../api/errors.js'
import type { OpParsedRequest } from '../../api/handlers.js'
import type { Keychain } from '../../keychain/keychain.js'
import type { SettingsStore } from '../../settings/store.js'
import { MAX_ACCOUNT_SLUG_CHARS, MAX_ACCOUNTS } from '../limits.js'

export function secretName(id: string): string {
  return `account:${id}`
}

/** "Alice @ Lab" → "alice-lab-3f9a": readable, unique enough, within the id pattern. */
export function newAccountId(label: string): string {
  const slug = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_ACCOUNT_SLUG_CHARS)
  return `${slug || 'account'}-${randomBytes(3).toString('hex')}`
}

export async function listAccounts(settings: SettingsStore): Promise<SavedAccount[]> {
  return (await settings.load()).settings.accounts
}

export async function findAccount(settings: SettingsStore, id: string): Promise<SavedAccount> {
  const account = (await listAccounts(settings)).find((a) => a.id === id)
  if (!account)
    throw new EngineError(
      'not-found',
      `There is no saved account ${JSON.stringify(id)}; it may have been deleted.`,
    )
  return account
}

async function writeAccounts(settings: SettingsStore, change: (accounts: SavedAccount[]) => SavedAccount[]) {
  const next = change(await listAccounts(settings))
  await settings.update({ accounts: next })
}

export async function saveAccount(
  settings: SettingsStore,
  keychain: Keychain,
  request: OpParsedRequest<'accounts.save'>,
): Promise<SavedAccount> {
  const accounts = await listAccounts(settings)
  const existing = request.id ? accounts.find((a) => a.id === request.id) : undefined
  if (request.id && !existing)
    throw new EngineError('not-found', `There is no saved account ${JSON.stringify(request.id)} to replace.`)
  if (!existing && accounts.length >= MAX_ACCOUNTS)
    throw new EngineError('conflict', `At most ${MAX_ACCOUNTS} accounts can be saved; delete one first.`)
  const id = existing?.id ?? newAccountId(request.label)
  // The password first: if the keychain refuses, nothing is saved that points at a missing secret.
  if (request.password !== undefined) await keychain.set(secretName(id), request.password)
  const servers: SavedServer[] = request.servers.map((s) => {
    const before = existing?.servers.find(
      (o) => o.host === s.host && o.port === s.port && o.protocol === s.protocol,
    )
    return {
      protocol: s.protocol,
      host: s.host,
      port: s.port,
      security: s.security,
      lastFingerprintSha256: s.fingerprintSha256 ?? before?.lastFingerprintSha256 ?? null,
      pinnedFingerprintSha256: s.pinnedFingerprintSha256 ?? null,
      ...(before?.lastVerdict !== undefined ? { lastVerdict: before.lastVerdict } : {}),
      ...(before?.lastProblemIds !== undefined ? { lastProblemIds: before.lastProblemIds } : {}),
    }
  })
  const account: SavedAccount = {
    id,
    label: request.label,
    target: request.target,
    client: request.client,
    username: request.username,
    servers,
    secretAccount: request.password !== undefined ? secretName(id) : (existing?.secretAccount ?? null),
    savedAt: existing?.savedAt ?? new Date().toISOString(),
    lastCheckedAt: existing?.lastCheckedAt ?? null,
  }
  await writeAccounts(settings, (all) =>
    existing ? all.map((a) => (a.id === id ? account : a)) : [...all, account],
  )
  return account
}

export async function deleteAccount(
  settings: SettingsStore,
  keychain: Keychain,
  id: string,
): Promise<{ deleted: boolean; secretDeleted: boolean }> {
  const accounts = await listAccounts(settings)
  const account = accounts.find((a) => a.id === id)
  if (!account) return { deleted: false, secretDeleted: false }
  await writeAccounts(settings, (all) => all.filter((a) => a.id !== id))
  // The account is gone either way; a keychain that refuses now leaves an orphan entry, which the
  // caller learns from secretDeleted: false (and `secrets list` still shows).
  let secretDeleted = false
  if (account.secretAccount) secretDeleted = await keychain.delete(account.secretAccount).catch(() => false)
  return { deleted: true, secretDeleted }
}

/** Replaces the servers and check time of the given accounts after a re-check. */
export async function recordChecks(
  settings: SettingsStore,
  updates: Map<string, { servers: SavedServer[]; checkedAt: string }>,
): Promise<void> {
  await writeAccounts(settings, (all) =>
    all.map((a) => {
      const u = updates.get(a.id)
      return u ? { ...a, servers: u.servers, lastCheckedAt: u.checkedAt } : a
    }),
  )
}
