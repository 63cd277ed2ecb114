// `mailwarden dkim keygen`: a new signing key written to a 0600 file, and everything needed to
// use it (records, signer snippets, advice) printed as text or as one JSON object.
import { parseArgs } from 'node:util'
import { SEVERITY_WORDS } from '../../../shared/contract/mail.js'
import {
  domainProblem,
  isKeygenType,
  KEYGEN_TYPES,
  KeyFileExistsError,
  KeyFileWriteError,
  type KeygenResult,
  type KeygenType,
  runKeygen,
  selectorProblem,
} from '../../domain/keygen/index.js'
import type { CommandContext } from '../command.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { CliError, usageError } from '../output.js'

export { KEYGEN_USAGE } from './dkim-keygen-usage.js'

interface KeygenArgs {
  domain: string
  selector: string
  type: KeygenType
  out?: string
}

function parseKeygenArgs(args: string[]): KeygenArgs {
  const { values, positionals } = parseArgs({
    args,
    options: {
      domain: { type: 'string' },
      selector: { type: 'string' },
      type: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (positionals.length > 0)
    throw usageError(`dkim keygen takes no ${JSON.stringify(positionals[0])}; see mailwarden dkim --help.`)
  if (values.domain === undefined || values.selector === undefined)
    throw usageError(
      'dkim keygen needs --domain D and --selector S, such as --domain example.org --selector s20261207.',
    )
  const domainIssue = domainProblem(values.domain)
  if (domainIssue)
    throw usageError(`--domain ${JSON.stringify(values.domain)} is not usable: ${domainIssue}.`)
  const selectorIssue = selectorProblem(values.selector)
  if (selectorIssue)
    throw usageError(`--selector ${JSON.stringify(values.selector)} is not usable: ${selectorIssue}.`)
  const type = values.type ?? 'rsa-2048'
  if (!isKeygenType(type))
    throw usageError(`--type is one of ${KEYGEN_TYPES.join(', ')}, not ${JSON.stringify(type)}.`)
  if (values.out === '') throw usageError('--out needs a file name.')
  return {
    domain: values.domain,
    selector: values.selector,
    type,
    ...(values.out !== undefined ? { out: values.out } : {}),
  }
}

export function formatKeygen(result: KeygenResult): string {
  const lines: string[] = []
  for (const f of result.files)
    lines.push(`Private key (${f.algorithm}, selector ${f.selector}) written to ${f.path} (mode ${f.mode}).`)
  for (const r of result.records) {
    lines.push(
      '',
      `DNS record ${r.name} (TXT, ${r.algorithm}):`,
      '',
      'Zone file (one record, split into strings):',
    )
    lines.push(
      r.zone,
      '',
      'One string (for a provider panel: name, then value):',
      `  ${r.name}`,
      `  ${r.value}`,
    )
  }
  const s = result.snippets
  lines.push('', s.exim, '', s.opendkim, '', s.postfix, '', s.rspamd, '', 'Advice:')
  for (const a of result.advice)
    lines.push(
      `  [${a.severity}] ${SEVERITY_WORDS[a.severity]}: ${a.title} (${a.id})`,
      `    ${a.detail}`,
      `    ${a.fix}`,
    )
  return lines.join('\n')
}

export async function runKeygenCommand(args: string[], context: CommandContext): Promise<ExitCode> {
  const request = parseKeygenArgs(args)
  let result: KeygenResult
  try {
    result = await runKeygen({ ...request, cwd: process.cwd() })
  } catch (error) {
    if (error instanceof KeyFileExistsError || error instanceof KeyFileWriteError)
      throw new CliError(error.message, EXIT.environment)
    throw error
  }
  context.io.out(context.json ? JSON.stringify(result) : formatKeygen(result))
  return EXIT.ok
}
