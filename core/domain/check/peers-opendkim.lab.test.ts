// Differential test against opendkim-testkey (OpenDKIM 2.11, Debian opendkim-tools) on every DKIM
// key record of the lab's admin domains (e2e/lab/admin-domains.ts) and lab.test's own selector,
// asking the lab DNS through libunbound (test-support/opendkim.ts says why that needs an unbound
// file). The verdict compared: opendkim-testkey's "key OK" against our record being a usable key
// with no `bad` finding; when both reject it, its complaint against our finding, mapped below. With
// -k it compares a private key with the published one, as our --private-key does. Every
// disagreement is listed with its category and RFC section; a listed one that stops disagreeing
// fails too, so the list stays true.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN } from '../../../e2e/lab/admin-domains.js'
import { type AdminKeyName, adminKeyFile } from '../../../e2e/lab/admin-keys.js'
import { checkDkimRecords } from './dkim-records.js'
import { readPrivateKey } from './private-key.js'
import { labResolver } from './test-support/lab.js'
import { runTestkey, writeTestkeyConfig } from './test-support/opendkim.js'
import type { DkimSelectorResult } from './types.js'

const { lab, resolver } = labResolver()

/** opendkim-testkey's complaints, by the finding of ours that says the same. */
const SAME_MEANING: [RegExp, string][] = [
  [/^multiple DNS replies for /, 'dkim-record-multiple'],
  [/^Revoked key$/, 'dkim-revoked'],
  [/^key missing$/, 'dkim-record-not-dkim'],
  [/^invalid key version /, 'dkim-record-malformed'],
  [/^key type mismatch$/, 'dkim-record-malformed'], // s= without email (RFC 6376 3.6.1)
  [/^unknown key type /, 'dkim-record-malformed'],
  [/record not found$/, 'dkim-selector-missing'],
  [/^keys do not match$/, 'mismatch'],
  [/expecting an rsa key/, 'cannot read an Ed25519 private key'],
]

function theirVerdict(verdict: string, keyOk: string): string {
  if (verdict === 'key OK') return keyOk
  return SAME_MEANING.find(([pattern]) => pattern.test(verdict))?.[1] ?? `UNMAPPED: ${verdict}`
}

/** "key OK" for a usable key with no bad finding; else our first bad (or only) finding. */
function ourVerdict(s: DkimSelectorResult): string {
  const bad = s.findings.filter((f) => f.severity === 'bad').map((f) => f.id)
  if (s.status === 'key' && bad.length === 0) return 'key OK'
  return bad[0] ?? s.findings[0]?.id ?? s.status
}

/** [domain, selector] of every DKIM record the lab publishes, and a selector it does not. */
const CASES: [string, string][] = [
  [ADMIN.classic, 'x'],
  [ADMIN.weak512, 'default'],
  [ADMIN.split, 'default'],
  [ADMIN.good, 's2026a'],
  [ADMIN.good, 'ed'],
  [ADMIN.good, 'big'],
  [ADMIN.good, 'nope'],
  [ADMIN.revoked, 'default'],
  ...['notdkim', 'sha1', 'strict', 'garbage', 'v2', 'two', 'other', 'dsa'].map((s): [string, string] => [
    ADMIN.odd,
    s,
  ]),
  [lab.dkim.domain, lab.dkim.selector],
]

/** Disagreements by design, by "selector@domain": [ours, opendkim-testkey's, category, why]. */
const DISAGREEMENTS: Record<string, [string, string, string, string]> = {
  // opendkim-testkey checks that the record parses; it has no opinion on what the owner should publish.
  [`x@${ADMIN.classic}`]: [
    'dkim-testing',
    'key OK',
    'owner policy: testing mode',
    'RFC 6376 3.6.1 t=y: verifiers may treat the signature as absent; fine for a test, not for mail',
  ],
  [`default@${ADMIN.weak512}`]: [
    'dkim-key-broken',
    'key OK',
    'owner policy: key size',
    'RFC 6376 3.3.3 (signers MUST use 1024 bits or more), RFC 8301 3.2 (verifiers MUST NOT accept less)',
  ],
  [`sha1@${ADMIN.odd}`]: [
    'dkim-hash-sha1-only',
    'key OK',
    'owner policy: hash algorithm',
    'RFC 6376 3.6.1 h=, RFC 8301 3.1: rsa-sha1 MUST NOT be used, so h=sha1 allows no valid signature',
  ],
  // Without -k, opendkim-testkey decodes p= as base64 but never as a public key.
  [`garbage@${ADMIN.odd}`]: [
    'dkim-key-invalid',
    'key OK',
    'key not decoded by the peer',
    'RFC 6376 3.6.1 p= is a public key; 6.1.2: a verifier fails (PERMFAIL) on key data it cannot use',
  ],
}

let dir = ''
let conf = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-peers-opendkim-'))
  conf = await writeTestkeyConfig(dir, { forwardTo: lab.dns.server })
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function ourSelector(domain: string, selector: string, keyName?: AdminKeyName) {
  const privateKey = keyName ? await readPrivateKey(adminKeyFile(lab.stateDir, keyName)) : undefined
  const check = await checkDkimRecords(domain, { resolver, selectors: [selector], privateKey })
  expect(check.selectors).toHaveLength(1)
  return check.selectors[0] as DkimSelectorResult
}

function compare(
  rows: string[],
  table: Record<string, [string, string, string, string]>,
  key: string,
  ours: string,
  theirs: string,
) {
  const documented = table[key]
  rows.push(
    ours === theirs
      ? `${key}: ${ours}`
      : `${key}: ours ${ours}, opendkim-testkey ${theirs} (${documented?.[2] ?? 'UNDOCUMENTED'})`,
  )
  if (documented) expect({ key, verdicts: [ours, theirs] }).toEqual({ key, verdicts: documented.slice(0, 2) })
  else expect({ key, verdict: ours }).toEqual({ key, verdict: theirs })
}

describe('differential: DKIM key records against opendkim-testkey', () => {
  it('reaches the lab DNS (the unbound file works)', async () => {
    const run = await runTestkey(conf, lab.dkim.domain, lab.dkim.selector)
    expect(run.output).toContain(`checking key '${lab.dkim.selector}._domainkey.${lab.dkim.domain}'`)
    expect(run.verdict).toBe('key OK')
  })

  it('gives the verdict opendkim-testkey gives on every lab record, or a documented disagreement', async () => {
    const rows: string[] = []
    for (const [domain, selector] of CASES) {
      const theirs = theirVerdict((await runTestkey(conf, domain, selector)).verdict, 'key OK')
      const ours = ourVerdict(await ourSelector(domain, selector))
      compare(rows, DISAGREEMENTS, `${selector}@${domain}`, ours, theirs)
    }
    expect(rows).toHaveLength(CASES.length)
    for (const key of Object.keys(DISAGREEMENTS)) expect(rows.join('\n')).toContain(`${key}: ours`)
  })
})

/** [domain, selector, private key]: pairs that match and pairs that do not. */
const KEY_PAIRS: [string, string, AdminKeyName][] = [
  [ADMIN.classic, 'x', 'classic1024'],
  [ADMIN.good, 's2026a', 'good2048'],
  [ADMIN.good, 'big', 'big3072'],
  [ADMIN.odd, 'strict', 'good2048'],
  [ADMIN.classic, 'x', 'good2048'],
  [ADMIN.good, 's2026a', 'big3072'],
  [ADMIN.weak512, 'default', 'weak512'],
  [ADMIN.good, 'ed', 'ed25519'],
  [ADMIN.odd, 'garbage', 'good2048'],
]

const KEY_DISAGREEMENTS: Record<string, [string, string, string, string]> = {
  [`ed@${ADMIN.good}+ed25519`]: [
    'match',
    'cannot read an Ed25519 private key',
    'peer limitation: Ed25519',
    'RFC 8463 3 (k=ed25519); opendkim-testkey -k reads RSA private keys only (EVP_PKEY_get1_RSA)',
  ],
  [`garbage@${ADMIN.odd}+good2048`]: [
    'not compared',
    'mismatch',
    'key not decoded by the peer',
    'RFC 6376 3.6.1 p=: the record holds no key, so we compare nothing; opendkim-testkey calls it another key',
  ],
}

describe('differential: --private-key against opendkim-testkey -k', () => {
  it('says match or mismatch as opendkim-testkey does, or a documented disagreement', async () => {
    const rows: string[] = []
    for (const [domain, selector, keyName] of KEY_PAIRS) {
      const run = await runTestkey(conf, domain, selector, adminKeyFile(lab.stateDir, keyName))
      const theirs = theirVerdict(run.verdict, 'match')
      const matches = (await ourSelector(domain, selector, keyName)).key?.matchesPrivateKey
      const ours = matches === undefined ? 'not compared' : matches ? 'match' : 'mismatch'
      compare(rows, KEY_DISAGREEMENTS, `${selector}@${domain}+${keyName}`, ours, theirs)
    }
    const text = rows.join('\n')
    expect(text).toMatch(/: match$/m)
    expect(text).toMatch(/: mismatch$/m)
    for (const key of Object.keys(KEY_DISAGREEMENTS)) expect(text).toContain(`${key}: ours`)
  })
})
