// `mailwarden oauth …`: the command line, checked before anything runs.
import { parseArgs } from 'node:util'
import {
  OAUTH_PROVIDER_IDS,
  OAuthAccount,
  type OAuthAccountInput,
  type OAuthProviderId,
} from '../../../shared/contract/oauth-account.js'
import { OAUTH_PROVIDERS } from '../../../shared/knowledge/oauth-providers.js'
import { usageError } from '../output.js'

export const OAUTH_USAGE = `mailwarden oauth login ACCOUNT [--device]
mailwarden oauth login --provider PROVIDER --account ADDRESS --client-id ID
                       [--tenant T] [--issuer URL] [--scope S]... [--id ACCOUNT] [--device]
mailwarden oauth status [ACCOUNT] [--json]
mailwarden oauth logout ACCOUNT
mailwarden oauth delete ACCOUNT

PROVIDER is ${OAUTH_PROVIDER_IDS.join(', ')}. Mailwarden ships no client id of its own:
register an app with the provider (docs/oauth.md says where, for each provider).
  --provider P     create or update the account ACCOUNT (default: made from the address)
  --account ADDR   the mail address the tokens are for
  --client-id ID   the app registration's client id
  --tenant T       Microsoft: common (default), organizations, consumers, or a tenant id or domain
  --issuer URL     custom: the issuer whose metadata is read (OpenID Connect discovery / RFC 8414)
  --scope S        ask for this scope instead of the provider's (repeatable; custom providers)
  --device         the device flow: prints a code and a URL to open on any device (over SSH,
                   on a headless box); Google does not allow it for mail
  --no-browser     print the sign-in URL instead of opening the browser
A client secret, where the provider demands one (Google, Yahoo, AOL), is read from standard input
(not shown on a terminal) and kept in the OS keychain. Refresh tokens live only in the keychain.

Exit codes: 0 signed in (status: every account shown is signed in); 1 not signed in or the
provider refused; 2 wrong command line or unknown account; 3 no keychain.`

export type OAuthArgs =
  | { action: 'login'; id: string; account: OAuthAccountInput | null; device: boolean; noBrowser: boolean }
  | { action: 'status'; id: string | null }
  | { action: 'logout' | 'delete'; id: string }

/** An account id from an address: alice@example.org -> alice-example-org. */
export function idFromAddress(address: string): string {
  return (
    address
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'account'
  )
}

function loginAccount(
  values: Record<string, string | string[] | boolean | undefined>,
  id: string | undefined,
) {
  const provider = values.provider as string
  if (!(OAUTH_PROVIDER_IDS as readonly string[]).includes(provider))
    throw usageError(
      `--provider must be one of ${OAUTH_PROVIDER_IDS.join(', ')}, not ${JSON.stringify(provider)}.`,
    )
  const address = values.account
  if (typeof address !== 'string') throw usageError('--provider needs --account ADDRESS.')
  if (typeof values['client-id'] !== 'string')
    throw usageError(
      `--provider needs --client-id ID: Mailwarden ships no client id. ${OAUTH_PROVIDERS[provider as OAuthProviderId].registration.text} (${OAUTH_PROVIDERS[provider as OAuthProviderId].registration.url})`,
    )
  const account: OAuthAccountInput = {
    id: id ?? idFromAddress(address),
    provider: provider as OAuthProviderId,
    address,
    clientId: values['client-id'],
    tenant: typeof values.tenant === 'string' ? values.tenant : null,
    issuer: typeof values.issuer === 'string' ? values.issuer : null,
    scopes: Array.isArray(values.scope) ? values.scope : null,
  }
  const checked = OAuthAccount.safeParse(account)
  if (!checked.success)
    throw usageError(`The account is not valid: ${checked.error.issues[0]?.message ?? 'invalid'}.`)
  return account
}

export function parseOAuthArgs(args: string[]): OAuthArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      provider: { type: 'string' },
      account: { type: 'string' },
      'client-id': { type: 'string' },
      tenant: { type: 'string' },
      issuer: { type: 'string' },
      scope: { type: 'string', multiple: true },
      id: { type: 'string' },
      device: { type: 'boolean' },
      'no-browser': { type: 'boolean' },
    },
  })
  const [action, target, ...extra] = positionals
  if (extra.length > 0) throw usageError(`Unexpected argument ${JSON.stringify(extra[0])}.`)
  switch (action) {
    case 'login': {
      if (values.provider !== undefined) {
        const account = loginAccount(values, values.id ?? target)
        return {
          action,
          id: account.id,
          account,
          device: values.device === true,
          noBrowser: values['no-browser'] === true,
        }
      }
      if (!target)
        throw usageError('oauth login needs an ACCOUNT, or --provider P --account ADDRESS --client-id ID.')
      return {
        action,
        id: target,
        account: null,
        device: values.device === true,
        noBrowser: values['no-browser'] === true,
      }
    }
    case 'status':
      return { action, id: target ?? null }
    case 'logout':
    case 'delete':
      if (!target) throw usageError(`oauth ${action} needs an ACCOUNT.`)
      return { action, id: target }
    default:
      throw usageError(
        `Unknown oauth action ${JSON.stringify(action ?? '')}; use login, status, logout or delete.`,
      )
  }
}
