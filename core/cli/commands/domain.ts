// `mailwarden domain check DOMAIN`: the administrator's own domain (DKIM key records, the DomainKeys
// policy, SPF, DMARC, MX with port 25, MTA-STS and TLS-RPT, DANE) through the project's one
// resolver (DANE through --dns or the system's first nameserver); the report in words or as JSON.
import path from 'node:path'
import { parseArgs } from 'node:util'
import { CONNECT_TIMEOUT_SECONDS, dnsServerProblem } from '../../../shared/contract/schemas.js'
import { createResolver } from '../../dns/resolver.js'
import {
  checkDomain,
  type MailPhaseOptions,
  normalizeDomain,
  selectorProblem,
} from '../../domain/check/index.js'
import { DNS_TIMEOUT_MS, MAX_SELECTORS } from '../../domain/check/limits.js'
import { PrivateKeyError, readPrivateKey } from '../../domain/check/private-key.js'
import { daneServer, systemNameserver } from '../../domain/check/system-nameserver.js'
import { CaFileError } from '../../net/ca-file.js'
import { loadTrust } from '../../probe/tls/trust.js'
import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { CliError, usageError } from '../output.js'
import { formatDomainReport } from './domain-report.js'

const USAGE = `mailwarden domain check DOMAIN [--selector S]... [--private-key FILE --selector S] [--dns HOST[:PORT]]
                      [--ca FILE] [--timeout SECONDS] [--no-mx] [--json]

Checks your own domain's mail authentication records: DKIM key records (per selector), the
historic DomainKeys policy record, SPF (RFC 7208) and DMARC (RFC 9989); then how it receives
mail: its MX hosts (port 25: STARTTLS, certificate, TLS versions), MTA-STS (RFC 8461), TLS-RPT
(RFC 8460) and DANE (RFC 7672) of the MX hosts; and says what each finding means, what to do,
and what to change first.

Options:
  --selector S        check the DKIM key at S._domainkey.DOMAIN (repeatable); without it, a list of
                      common selectors is tried (a selector that is not found may still exist)
  --private-key FILE  the signer's private key (PEM or DER, no passphrase): check that the key
                      published at --selector is its public half (needs exactly one --selector)
  --dns HOST[:PORT]   ask this DNS server instead of the system's (an IP address); DANE asks it
                      too, else the first nameserver of /etc/resolv.conf: DANE is only shown as
                      protected when that resolver validates DNSSEC
  --ca FILE           also trust the CAs in this PEM file for port 25 certificates and the
                      MTA-STS policy fetch (as mailwarden probe --ca)
  --timeout SECONDS   how long each step of the MX and DANE checks may take (a connection, a reply,
                      a handshake, a DANE DNS question; default 10, DNS at most 5)
  --no-mx             check only the records (DKIM, DomainKeys, SPF, DMARC): no MX, port 25,
                      MTA-STS, TLS-RPT or DANE
  --json              print the report as one JSON object

Exit codes: 0 nothing wrong (only notes); 1 problems found (a finding marked BAD or WARN);
2 unusable input (a wrong option, a domain or selector that is not a DNS name, an unreadable key
or CA file) or no DNS lookup answered.`

export interface DomainCheckArgs {
  domain: string
  selectors: string[]
  privateKeyFile?: string
  dnsServer?: string
  caFile?: string
  timeoutMs?: number
  noMx: boolean
}

const DOMAIN_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

function seconds(text: string): number {
  const { min, max } = CONNECT_TIMEOUT_SECONDS
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw usageError(
      `--timeout must be a whole number of seconds from ${min} to ${max}, not ${JSON.stringify(text)}.`,
    )
  return Number(text) * 1000
}

export function parseDomainCheckArgs(args: string[]): DomainCheckArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      selector: { type: 'string', multiple: true },
      'private-key': { type: 'string' },
      dns: { type: 'string' },
      ca: { type: 'string' },
      timeout: { type: 'string' },
      'no-mx': { type: 'boolean' },
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
  const parsed: DomainCheckArgs = { domain, selectors, noMx: values['no-mx'] === true }
  // Made absolute: a path as the user typed it, shown in the report's trust line.
  if (values.ca !== undefined) parsed.caFile = path.resolve(values.ca)
  if (values.timeout !== undefined) parsed.timeoutMs = seconds(values.timeout)
  if (parsed.noMx && (parsed.caFile || parsed.timeoutMs))
    throw usageError('--ca and --timeout are for the MX and DANE checks, which --no-mx skips.')
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

/** The ids of a lookup that did not answer, per phase: when they are all there is, nothing was learned. */
const DNS_FAILED = new Set(['check-dns-failed', 'domain-dns-failed', 'dane-dns-failed', 'dns-failed'])

/** The MX and DANE phases' trust (the --ca file read and checked here) and DANE's resolver. */
async function mailPhase(request: DomainCheckArgs, signal: AbortSignal): Promise<MailPhaseOptions> {
  let trust: MailPhaseOptions['trust']
  try {
    trust = await loadTrust(request.caFile ?? null)
  } catch (error) {
    if (error instanceof CaFileError) throw usageError(`--ca: ${error.message}`)
    throw error
  }
  const daneResolver = request.dnsServer ? daneServer(request.dnsServer) : await systemNameserver()
  return { trust, daneResolver, timeoutMs: request.timeoutMs, signal }
}

export const domainCommand: Command = {
  name: 'domain',
  summary: 'Check your own domain’s DKIM keys, SPF, DMARC, MX, MTA-STS and DANE',
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
    const timeoutMs = Math.min(DNS_TIMEOUT_MS, request.timeoutMs ?? DNS_TIMEOUT_MS)
    const resolver = createResolver({ server: request.dnsServer ?? null, timeoutMs })
    const stop = new AbortController()
    void context.stopSignal.then(() => stop.abort())
    const mail = request.noMx ? undefined : await mailPhase(request, stop.signal)
    const cancelled = () => new CliError('The domain check was cancelled.', EXIT.usage)
    const report = await checkDomain(request.domain, {
      resolver,
      selectors: request.selectors,
      privateKey,
      mail,
    }).catch((error: unknown) => {
      // The MX phase throws on a cancel (Ctrl-C); anything else is a bug, reported as such.
      throw stop.signal.aborted ? cancelled() : error
    })
    if (stop.signal.aborted) throw cancelled()
    context.io.out(context.json ? JSON.stringify(report) : formatDomainReport(report))
    // Every lookup failed: nothing about the domain was learned (as the probe, exit 2).
    if (report.findings.every((f) => DNS_FAILED.has(f.id))) {
      context.io.err(`The check could not run: no DNS lookup answered (${report.resolver}); check --dns.`)
      return EXIT.usage
    }
    return report.verdict === 'good' ? EXIT.ok : EXIT.findings
  },
}
