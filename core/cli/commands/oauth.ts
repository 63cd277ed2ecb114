// `mailwarden oauth login|status|logout|delete`: sign an OAuth 2.0 account in (the system browser
// with a loopback redirect, or the device flow, which prints a code and a URL: over SSH or on a
// headless box), show its state, sign it out. Tokens are never printed.
import type { OAuthAccountState } from '../../../shared/contract/oauth.js'
import { OAUTH_PROVIDERS } from '../../../shared/knowledge/oauth-providers.js'
import { EngineError } from '../../api/errors.js'
import type { Engine } from '../../engine.js'
import type { DeviceCode } from '../../oauth/flows.js'
import { OAuthError } from '../../oauth/token-source.js'
import type { Command, CommandContext } from '../command.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { openBrowser } from '../open-browser.js'
import { CliError, unwrap } from '../output.js'
import { readSecret } from '../read-secret.js'
import { OAUTH_USAGE, type OAuthArgs, parseOAuthArgs } from './oauth-args.js'

function describeState(state: OAuthAccountState): string {
  const a = state.account
  const lines = [`${a.id}  ${a.address}  (${OAUTH_PROVIDERS[a.provider].name})  ${state.state}`]
  if (state.accessTokenExpiresAt)
    lines.push(`  access token until ${state.accessTokenExpiresAt}, refreshed after ${state.nextRefreshAt}`)
  if (state.lastError) lines.push(`  ${state.lastError.message}`)
  if (state.state === 'signed-out' || state.state === 'needs-authorization')
    lines.push(
      `  sign in: mailwarden oauth login ${a.id}${OAUTH_PROVIDERS[a.provider].flows.includes('device') ? ' [--device]' : ''}`,
    )
  return lines.join('\n')
}

/** An OAuthError is the provider's answer (exit 1); a missing account is a wrong command line (2). */
function asCliError(error: unknown): unknown {
  if (error instanceof OAuthError) return new CliError(error.message, EXIT.findings)
  if (error instanceof EngineError && error.code === 'not-found')
    return new CliError(error.message, EXIT.usage)
  if (error instanceof EngineError && error.code === 'keychain-unavailable')
    return new CliError(error.message, EXIT.environment)
  return error
}

async function saveFromArgs(
  engine: Engine,
  args: Extract<OAuthArgs, { action: 'login' }>,
  context: CommandContext,
) {
  if (!args.account) return
  const preset = OAUTH_PROVIDERS[args.account.provider]
  // A custom provider's mail permission has no standard name: without --scope the token may open
  // no mailbox, and the server's refusal would not say why.
  if (args.account.provider === 'custom' && !args.account.scopes)
    context.io.err(
      `Asking only for ${preset.scopes.join(' ')}: most mail servers also want their own mail scope; give it with --scope (ask the provider's administrator which).`,
    )
  let clientSecret: string | undefined
  if (preset.needsClientSecret && !(await engine.context.oauth.store.clientSecret(args.account.id))) {
    context.io.err(`${preset.name} demands the client secret of your app registration.`)
    clientSecret = (await readSecret()).replace(/\r?\n$/, '')
    if (!clientSecret) throw new CliError('No client secret was given.', EXIT.usage)
  }
  unwrap(await engine.call('oauth.account.save', { account: args.account, clientSecret }))
}

async function login(engine: Engine, args: Extract<OAuthArgs, { action: 'login' }>, context: CommandContext) {
  await saveFromArgs(engine, args, context)
  const stop = new AbortController()
  void context.stopSignal.then(() => stop.abort())
  const overSsh = Boolean(process.env.SSH_CONNECTION) && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
  const state = await engine.context.oauth.authorize(args.id, args.device ? 'device' : 'browser', {
    signal: stop.signal,
    onUrl: async (url) => {
      context.io.err(`Sign in at this URL (the answer comes back to this machine on 127.0.0.1):\n${url}`)
      if (overSsh)
        context.io.err(
          'Over SSH the browser cannot reach this machine’s 127.0.0.1: use --device where the provider allows it.',
        )
      else if (!args.noBrowser && !(await openBrowser(url)))
        context.io.err('(No browser could be opened; open the URL yourself.)')
    },
    onDeviceCode: (code: DeviceCode) => {
      context.io.err(
        `On any device, open ${code.verificationUri} and enter the code ${code.userCode}` +
          `${code.verificationUriComplete ? `\n(or open ${code.verificationUriComplete})` : ''}` +
          `\nThe code expires at ${new Date(code.expiresAt).toISOString()}. Waiting…`,
      )
    },
  })
  context.io.out(context.json ? JSON.stringify(state) : `Signed in: ${describeState(state)}`)
}

async function run(engine: Engine, args: OAuthArgs, context: CommandContext): Promise<ExitCode> {
  const oauth = engine.context.oauth
  switch (args.action) {
    case 'login':
      await login(engine, args, context)
      return EXIT.ok
    case 'status': {
      const states = args.id ? [await oauth.state(args.id)] : await oauth.states()
      if (context.json) context.io.out(JSON.stringify({ accounts: states }))
      else context.io.out(states.length === 0 ? 'No OAuth accounts.' : states.map(describeState).join('\n'))
      return states.every((s) => s.signedIn) ? EXIT.ok : EXIT.findings
    }
    case 'logout': {
      const result = await oauth.logout(args.id)
      context.io.out(context.json ? JSON.stringify(result) : result.message)
      return result.revocation === 'failed' ? EXIT.findings : EXIT.ok
    }
    case 'delete': {
      const deleted = await oauth.delete(args.id)
      context.io.out(
        context.json
          ? JSON.stringify({ id: args.id, deleted })
          : deleted
            ? `Deleted the OAuth account ${args.id} and its keychain entries.`
            : `There was no OAuth account ${args.id}.`,
      )
      return deleted ? EXIT.ok : EXIT.findings
    }
  }
}

export const oauthCommand: Command = {
  name: 'oauth',
  summary: 'Sign OAuth 2.0 accounts in and out (Microsoft 365, Google, custom providers)',
  usage: OAUTH_USAGE,
  async run(argv, context) {
    const args = parseOAuthArgs(argv)
    const engine = await context.engine()
    try {
      return await run(engine, args, context)
    } catch (error) {
      throw asCliError(error)
    }
  },
}
