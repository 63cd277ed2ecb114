// For the signer tests: a signed message checked by Mailwarden's verifier (the key file form of
// `dkim verify --keys`) and by mailauth, both given only the records keygen printed.
import { dkimVerify } from 'mailauth/lib/dkim/verify'
import { keyFileSource, verifyMessage } from '../../dkim/index.js'
import type { KeygenRecord } from './keygen.js'

/** The key file `dkim verify --keys` reads, from the printed zone strings (quoted, joined back). */
function keyFileText(records: KeygenRecord[]): string {
  return records.map((r) => `${r.name} ${r.strings.map((s) => `"${s}"`).join(' ')}`).join('\n')
}

export async function verifyWithRecords(signed: string, records: KeygenRecord[]) {
  const ours = await verifyMessage(Buffer.from(signed, 'latin1'), {
    keys: keyFileSource(keyFileText(records)),
  })
  const byName = new Map(records.map((r) => [r.name, r.strings]))
  const theirs = await dkimVerify(Buffer.from(signed, 'latin1'), {
    // One TXT record of several strings, as DNS would give it.
    resolver: async (name: string, type: string) => {
      const strings = type === 'TXT' ? byName.get(name.toLowerCase()) : undefined
      if (!strings) throw Object.assign(new Error(`${name}: not found`), { code: 'ENOTFOUND' })
      return [strings]
    },
  })
  return { ours, theirs: theirs.results.map((r) => r.status.result) }
}
