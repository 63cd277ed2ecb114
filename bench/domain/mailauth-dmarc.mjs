// The mailauth peer of `npm run bench:domain`: mailauth's DMARC record lookup (RFC 9989 policy
// discovery, the tree walk included) for one domain, asking only the DNS server given, as a user
// would script it. Usage: node mailauth-dmarc.mjs DNS_IP[:PORT] DOMAIN; prints the record as JSON.
import { Resolver } from 'node:dns/promises'
import { createRequire } from 'node:module'

const [server, domain] = process.argv.slice(2)
if (!server || !domain) {
  process.stderr.write('usage: node mailauth-dmarc.mjs DNS_IP[:PORT] DOMAIN\n')
  process.exit(2)
}
const require = createRequire(import.meta.url)
const getDmarcRecord = require('mailauth/lib/dmarc/get-dmarc-record.js')
const dns = new Resolver({ timeout: 2000, tries: 1 })
dns.setServers([server])
const record = await getDmarcRecord(domain, (name, type) =>
  type === 'TXT' ? dns.resolveTxt(name) : dns.resolve(name, type),
)
process.stdout.write(
  `${JSON.stringify(record ? { p: record.p, recordDomain: record.recordDomain } : null)}\n`,
)
