// `mailwarden tunnel … --oauth ACCOUNT|PROVIDER --account ADDRESS`: the tunnel's OAuth 2.0 side on
// the command line. The account is an existing one (its id), or the one a provider and an address
// make (created with --client-id when it does not exist yet). The local password, the client's
// password to the tunnel, is read from standard input (a prompt without echo on a terminal, never
// argv: it would show in ps) and kept in the OS keychain under the tunnel's id; a later run finds
// it there. Sign-in itself is `mailwarden oauth login` (browser or --device).
import { OAUTH_PROVIDER_IDS, type OAuthProviderId } from '../../../shared/contract/oauth-account.js'
import { type TunnelConfig, TunnelOAuthMechanism } from '../../../shared/contract/tunnel-config.js'
import type { Engine } from '../../engine.js'
import type { Keychain } from '../../keychain/keychain.js'
import { TunnelOAuthSide } from '../../tunnel/oauth-side.js'
import type { SignInRuntime } from '../../tunnel/sign-in/gate.js'
import { localPasswordSecretName } from '../../tunnel/sign-in/local-password.js'
import type { CommandContext } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { CliError, unwrap, usageError } from '../output.js'
import { idFromAddress } from './oauth-args.js'

/** The same floor as the engine's tunnel.setLocalPassword: short passwords are guessed on a LAN. */
const MIN_LOCAL_PASSWORD_CHARS = 8

export interface OAuthFlags {
  oauth?: string
  account?: string
  'client-id'?: string
  issuer?: string
  tenant?: string
  mechanism?: string
  'new-local-password'?: boolean
}

export const OAUTH_FLAG_OPTIONS = {
  oauth: { type: 'string' },
  account: { type: 'string' },
  'client-id': { type: 'string' },
  issuer: { type: 'string' },
  tenant: { type: 'string' },
  mechanism: { type: 'string' },
  'new-local-password': { type: 'boolean' },
} as const

export const TUNNEL_OAUTH_USAGE = `  --oauth ACCOUNT       log in upstream with OAuth 2.0 (XOAUTH2/OAUTHBEARER) as this account of
                        \`mailwarden oauth\` instead of passing the client's login through; the client
                        logs in with the account's address and the tunnel's local password
  --oauth PROVIDER      the same with the account of --account ADDRESS (its id made from the
                        address); PROVIDER is ${OAUTH_PROVIDER_IDS.join(', ')}
  --client-id ID        with --oauth PROVIDER, for a new account: the app registration's client id
                        (--issuer URL for custom, --tenant T for Microsoft); then sign it in with
                        mailwarden oauth login ACCOUNT [--device]
  --mechanism M         auto (default), xoauth2 or oauthbearer
  --new-local-password  replace the stored local password. The local password is read from
                        standard input (a prompt without echo on a terminal; never an argument)
                        the first time, and kept in the OS keychain for this listen address and
                        server`

/** True when any OAuth flag was given (they need --oauth, and no --config). */
export function anyOAuthFlag(values: OAuthFlags): boolean {
  return [
    values.oauth,
    values.account,
    values['client-id'],
    values.issuer,
    values.tenant,
    values.mechanism,
    values['new-local-password'],
  ].some((v) => v !== undefined)
}

/** The account the flags name: an existing id, or provider + address (created if need be). */
async function accountIdFrom(values: OAuthFlags, engine: Engine): Promise<string> {
  const name = values.oauth ?? ''
  const known = new Set((await engine.context.oauth.accounts()).map((a) => a.id))
  if (!(OAUTH_PROVIDER_IDS as readonly string[]).includes(name)) {
    if (values.account || values['client-id'])
      throw usageError(`--account and --client-id go with --oauth PROVIDER, not an account id.`)
    if (!known.has(name))
      throw usageError(
        `There is no OAuth account ${JSON.stringify(name)}; give --oauth PROVIDER --account ADDRESS, or see mailwarden oauth status.`,
      )
    return name
  }
  if (!values.account) throw usageError(`--oauth ${name} needs --account ADDRESS.`)
  const id = idFromAddress(values.account)
  if (known.has(id)) return id
  if (!values['client-id'])
    throw usageError(
      `There is no OAuth account for ${values.account} yet: add --client-id ID to create it (docs/oauth.md says where to get one), then sign it in with mailwarden oauth login ${id}.`,
    )
  unwrap(
    await engine.call('oauth.account.save', {
      account: {
        id,
        provider: name as OAuthProviderId,
        address: values.account,
        clientId: values['client-id'],
        tenant: values.tenant ?? null,
        issuer: values.issuer ?? null,
      },
    }),
  )
  return id
}

/** The tunnel's `oauth` field from the flags (before the tunnel's id is known). */
export async function oauthOfFlags(values: OAuthFlags, engine: Engine): Promise<TunnelConfig['oauth']> {
  if (!values.oauth) {
    if (anyOAuthFlag(values)) throw usageError('--account, --client-id, --mechanism … need --oauth.')
    return null
  }
  const mechanism = TunnelOAuthMechanism.safeParse(values.mechanism ?? 'auto')
  if (!mechanism.success) throw usageError('--mechanism must be auto, xoauth2 or oauthbearer.')
  return { accountId: await accountIdFrom(values, engine), mechanism: mechanism.data }
}

/** The local password: the stored one, or one read now (stdin or the prompt) and stored. */
async function ensureLocalPassword(
  tunnelId: string,
  keychain: Keychain,
  context: CommandContext,
  replace: boolean,
): Promise<void> {
  const name = localPasswordSecretName(tunnelId)
  if (!replace && (await keychain.get(name)) !== null) return
  context.io.err('The local password clients will use for this tunnel:')
  const password = (await context.readStdin()).replace(/\r?\n$/, '')
  if (password.length < MIN_LOCAL_PASSWORD_CHARS)
    throw usageError(`A local password has at least ${MIN_LOCAL_PASSWORD_CHARS} characters.`)
  await keychain.set(name, password)
}

/** What the tunnel's connections are given; a state change (needs sign-in…) becomes a stderr line. */
export async function cliSignIn(
  config: TunnelConfig,
  engine: Engine,
  context: CommandContext,
  options: { replacePassword: boolean; log(text: string): void; jsonLog: boolean },
): Promise<SignInRuntime | null> {
  if (!config.oauth) return null
  const keychain = engine.context.keychain
  await ensureLocalPassword(config.id, keychain, context, options.replacePassword)
  const state = await engine.context.oauth.state(config.oauth.accountId)
  if (!state.signedIn)
    options.log(
      `${config.name}: the OAuth account ${config.oauth.accountId} is ${state.state}; sign it in: mailwarden oauth login ${config.oauth.accountId} [--device]`,
    )
  const side = await TunnelOAuthSide.load(keychain, { ...config, oauth: config.oauth }, (id) =>
    engine.context.oauth.tokenSource(id),
  )
  if (!side.tokens)
    throw new CliError(side.view().lastError ?? 'The OAuth account has no token source.', EXIT.usage)
  let last = ''
  return side.runtime(side.tokens, () => {
    const view = side.view()
    const text = `${view.state}\n${view.lastError}`
    if (text === last) return
    last = text
    options.log(
      options.jsonLog
        ? JSON.stringify({ tunnel: config.name, oauth: view })
        : `${config.name}: OAuth ${view.accountId} (${view.address}): ${view.state === 'needs-authorization' ? 'needs sign-in' : view.state}${view.lastError ? `: ${view.lastError}` : ''}`,
    )
  })
}
