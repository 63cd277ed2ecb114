// TXT lookups for the domain check and the DMARC tree walk: "no such name" and "no TXT record" are
// answers (a check reports them), anything else is a failure whose reason goes into a finding.
// Every lookup goes through the project's one resolver, which bounds time and size.
import { DnsError, type Resolver } from './resolver.js'

export type TxtAnswer =
  | { status: 'found'; records: string[] }
  | { status: 'absent'; kind: 'not-found' | 'no-data' }
  | { status: 'failed'; reason: string }

export async function lookupTxt(resolver: Resolver, name: string): Promise<TxtAnswer> {
  try {
    const records = await resolver.txt(name)
    return records.length === 0 ? { status: 'absent', kind: 'no-data' } : { status: 'found', records }
  } catch (error) {
    if (error instanceof DnsError && (error.kind === 'not-found' || error.kind === 'no-data'))
      return { status: 'absent', kind: error.kind }
    return { status: 'failed', reason: error instanceof Error ? error.message : String(error) }
  }
}
