import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { unwrap, usageError } from '../output.js'

export const secretsCommand: Command = {
  name: 'secrets',
  summary: 'Keep account passwords in the OS keychain',
  usage: `mailwarden secrets list [--json]
mailwarden secrets set ACCOUNT      (reads the secret from standard input, never from the command line)
mailwarden secrets get ACCOUNT      (prints the secret)
mailwarden secrets delete ACCOUNT

Secrets live only in the OS keychain; without one, these commands refuse (exit 3).`,
  async run(args, context) {
    const [action, account, ...extra] = args
    if (extra.length > 0) throw usageError(`Unexpected argument ${JSON.stringify(extra[0])}.`)
    const engine = await context.engine()
    const needAccount = () => {
      if (!account) throw usageError(`secrets ${action} needs an ACCOUNT.`)
      return account
    }
    switch (action) {
      case 'list': {
        const { accounts } = unwrap<{ accounts: string[] }>(await engine.call('secrets.list', {}))
        if (context.json) context.io.out(JSON.stringify({ accounts }))
        else context.io.out(accounts.length === 0 ? 'No secrets stored.' : accounts.join('\n'))
        return EXIT.ok
      }
      case 'set': {
        const name = needAccount()
        // One line from stdin, without its newline: a secret on argv would sit in `ps` and history.
        const secret = (await context.readStdin()).replace(/\r?\n$/, '')
        unwrap(await engine.call('secrets.set', { account: name, secret }))
        context.io.out(context.json ? JSON.stringify({ account: name }) : `Stored the secret for ${name}.`)
        return EXIT.ok
      }
      case 'get': {
        const name = needAccount()
        const { secret } = unwrap<{ secret: string | null }>(
          await engine.call('secrets.get', { account: name }),
        )
        if (secret === null) {
          context.io.err(`No secret is stored for ${name}.`)
          return EXIT.findings
        }
        context.io.out(context.json ? JSON.stringify({ account: name, secret }) : secret)
        return EXIT.ok
      }
      case 'delete': {
        const name = needAccount()
        const { deleted } = unwrap<{ deleted: boolean }>(
          await engine.call('secrets.delete', { account: name }),
        )
        if (context.json) context.io.out(JSON.stringify({ account: name, deleted }))
        else context.io.out(deleted ? `Deleted the secret for ${name}.` : `No secret was stored for ${name}.`)
        return deleted ? EXIT.ok : EXIT.findings
      }
      default:
        throw usageError(
          `Unknown secrets action ${JSON.stringify(action ?? '')}; use list, set, get or delete.`,
        )
    }
  },
}
