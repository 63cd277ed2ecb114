// `mailwarden domain check DOMAIN`: the administrator's own domain (DKIM key records, the DomainKeys
// policy, SPF, DMARC) through the project's one resolver; the report in words or as JSON.
import { parseArgs } from 'node:util'
import { dnsServerProblem } from '../../../shared/contract/schemas.js'
import { createResolver } from '../../dns/resolver.js'
import { checkDomain, normalizeDomain, selectorProblem } from '../../domain/check/index.js'
import { DNS_TIMEOUT_MS, MAX_SELECTORS } from '../../domain/check/limits.js'
import { PrivateKeyError, readPrivateKey } from '../../domain/check/private-key.js'
import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { usageError } from '../output.js'
import { formatDomainReport } from './domain-report.js'

const USAGE = `mailwarden domain check DOMAIN [--selector S]... [--private-key FILE --selector S] [--dns HOST[:PORT]] [--json]

Checks your own domain's mail authentication records: DKIM key records (per selector), the
historic DomainKeys policy record, SPF (RFC 7208) and DMARC (RFC 9989), and says what each
finding means, what to do, and what to change first.

Options:
  --selector S        check the DKIM key at S._domainkey.DOMAIN (repeatable); without it, a list of
                      common selectors is tried (a selector that is not found may still exist)
  --private-key FILE  the signer's private key (PEM or DER, no passphrase): check that the key
                      published at --selector is its public half (needs exactly one --selector)
  --dns HOST[:PORT]   ask this DNS server instead of the system's (an IP address)
  --json              print the report as one JSON object

Exit codes: 0 nothing wrong (only notes); 1 problems found (a finding marked BAD or WARN);
2 unusable input (a wrong option, a domain or selector that is not a DNS name, an unreadable key).`

export interface DomainCheckArgs {
  domain: string
  selectors: string[]
  privateKeyFile?: string
  dnsServer?: string
}

const DOMAIN_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

export function parseDomainCheckArgs(args: string[]): DomainCheckArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      selector: { type: 'string', multiple: true },
      'private-key': { type: 'string' },
      dns: { type: 'string' },
    },
  })
  if (positionals[0] !== 'check')
    throw usageError('Use: mailwarden domain check DOMAIN (see mailwarden domain --help).')
  if (positionals.length !== 2) throw usageError('Give exactly one domain to check.')
  const domain = normalizeDomain(positionals[1] as string)
  if (!DOMAIN_NAME.test(domain)) throw usageError(`${JSON.stringify(positionals[1])} is not a domain name.`)
  const selectors = values.selector ?? []
  if (selectors.length > MAX_SELECTORS) throw usageError(`At most ${MAX_SELECTORS} --selector options.`)
  for (const s of selectors) {
    const problem = selectorProblem(s)
    if (problem) throw usageError(`--selector ${JSON.stringify(s)} is not a selector: ${problem}.`)
  }
  const parsed: DomainCheckArgs = { domain, selectors }
  if (values['private-key'] !== undefined) {
    if (selectors.length !== 1)
      throw usageError(
        '--private-key needs exactly one --selector: the selector whose published key should be its public half.',
      )
    parsed.privateKeyFile = values['private-key']
  }
  if (values.dns !== undefined) {
    if (dnsServerProblem(values.dns))
      throw usageError(
        `--dns ${JSON.stringify(values.dns)} is not a DNS server address: give an IP address with an optional port, such as 127.0.0.53:53 or [::1]:53.`,
      )
    parsed.dnsServer = values.dns
  }
  return parsed
}

export const domainCommand: Command = {
  name: 'domain',
  summary: 'Check your own domain’s DKIM keys, SPF and DMARC records',
  usage: USAGE,
  async run(args, context) {
    const request = parseDomainCheckArgs(args)
    let privateKey: Awaited<ReturnType<typeof readPrivateKey>> | undefined
    if (request.privateKeyFile) {
      try {
        privateKey = await readPrivateKey(request.privateKeyFile)
      } catch (error) {
        if (error instanceof PrivateKeyError) throw usageError(`--private-key: ${error.message}`)
        throw error
      }
    }
    const resolver = createResolver({ server: request.dnsServer ?? null, timeoutMs: DNS_TIMEOUT_MS })
    const report = await checkDomain(request.domain, { resolver, selectors: request.selectors, privateKey })
    context.io.out(context.json ? JSON.stringify(report) : formatDomainReport(report))
    // Every lookup failed: nothing about the domain was learned (as the probe, exit 2).
    if (report.findings.every((f) => f.id === 'check-dns-failed')) {
      context.io.err(`The check could not run: no DNS lookup answered (${report.resolver}); check --dns.`)
      return EXIT.usage
    }
    return report.verdict === 'good' ? EXIT.ok : EXIT.findings
  },
}
