// rspamd (Debian 12's 3.4) signs with the keys `dkim keygen` writes, configured by exactly the
// local.d/dkim_signing.conf keygen prints: RSA from the PEM, ed25519 from the seed file made with
// the command of the advice keygen-ed25519-format. Mailwarden's verifier and mailauth check the
// signatures against the printed records. Two domains, one rspamd each (one after the other): a
// registered domain (the snippet as most get it) and a subdomain, for which the snippet's
// `use_esld = false` matters (without it rspamd looks up example.com and does not sign). rspamd 3.4 cannot
// read the ed25519 PEM itself (rspamd issue 4630): that is kept as an expectation, so the advice
// and docs/domain.md must change when a newer rspamd reads it.
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getLab } from '../../../e2e/lab/lab.js'
import { type RspamdLab, startRspamd } from '../../../e2e/lab/rspamd.js'
import { type KeygenResult, runKeygen } from './keygen.js'
import { verifyWithRecords } from './verify-with-records.js'

const run = promisify(execFile)
/** Its own registered domain (Public Suffix List): the snippet as most get it. */
const ORG_DOMAIN = 'example.org'
/** A subdomain: the snippet turns off rspamd's use_esld. */
const DOMAIN = 'mail.example.com'
const USER = `alice@${DOMAIN}`
/** Domains signed through rspamd's fallback path ($DBDIR/dkim/$domain.dkim.key), not the snippet
 * (whole names there too, as the snippet's use_esld = false holds for the whole module). */
const PEM_ED_DOMAIN = 'ed-pem.example.net'
const PEM_RSA_DOMAIN = 'rsa-pem.example.net'

const message = (from: string) =>
  [
    `From: Alice <${from}>`,
    'To: bob@example.net',
    'Subject: signed by rspamd with a keygen key',
    'Date: Mon, 07 Dec 2026 10:00:00 +0000',
    `Message-ID: <rspamd-keygen-${Date.now()}@${from.split('@')[1]}>`,
    '',
    'Hello Bob,',
    '',
    'rspamd signed this with a key Mailwarden made.',
    '',
  ].join('\r\n')

/** rspamc prints LF lines; the verifiers get the message as it would travel (CRLF). */
const asSent = (text: string) => text.replace(/\r?\n/g, '\r\n')
const signatureHeaders = (text: string) => text.match(/^DKIM-Signature:.*(?:\r?\n[ \t].*)*/gim) ?? []

interface Signer {
  result: KeygenResult
  rspamd: RspamdLab
}

let dir: string
/** One $DBDIR for both rspamds: the second reuses the first one's compiled caches. */
let dbDir: string
const started: RspamdLab[] = []

/** keygen rsa-2048+ed25519 for the domain, the advice's seed command, and an rspamd with the snippet. */
async function signerFor(domain: string): Promise<Signer> {
  const result = await runKeygen({
    domain,
    selector: 's20261207',
    type: 'rsa-2048+ed25519',
    out: `${domain}.private`,
    cwd: dir,
  })
  const command = result.advice.find((a) => a.id === 'keygen-ed25519-format')?.fix.match(/`([^`]+)`/)?.[1]
  if (!command) throw new Error('advice keygen-ed25519-format gives no command')
  await run('/bin/sh', ['-c', command], { timeout: 10_000 })
  const rspamd = await startRspamd(
    { 'dkim_signing.conf': `${result.snippets.rspamd}\n` },
    getLab().dns.server,
    {
      dbDir,
    },
  )
  started.push(rspamd)
  return { result, rspamd }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-keygen-rspamd-'))
  dbDir = path.join(dir, 'rspamd-db')
  await mkdir(dbDir)
})

afterAll(async () => {
  for (const rspamd of started) await rspamd.stop()
  await rm(dir, { recursive: true, force: true })
}, 30_000)

/** Both signatures of the user's message pass Mailwarden's verifier and mailauth, with d= the domain. */
async function expectBothSigned(signer: Signer, user: string) {
  const domain = signer.result.domain
  const signed = asSent(await signer.rspamd.scan(message(user), user, user))
  expect(signatureHeaders(signed)).toHaveLength(2)
  const { ours, theirs } = await verifyWithRecords(signed, signer.result.records)
  expect(ours.signatures.map((s) => [s.domain, s.selector, s.algorithm, s.result]).sort()).toEqual([
    [domain, 's20261207', 'rsa-sha256', 'pass'],
    [domain, 's20261207-ed', 'ed25519-sha256', 'pass'],
  ])
  expect(ours.alignedPass).toBe(true)
  expect(theirs).toEqual(['pass', 'pass'])
}

describe('rspamd 3.4 with the snippet and keys of dkim keygen, for a registered domain', () => {
  let signer: Signer | undefined
  beforeAll(async () => {
    signer = await signerFor(ORG_DOMAIN)
  }, 120_000)
  // Stopped before the next one starts: the two share the compiled caches in dbDir.
  afterAll(async () => {
    await signer?.rspamd.stop()
  }, 30_000)
  it('the snippet is as printed for any domain: no use_esld line', () => {
    expect(signer?.result.snippets.rspamd).not.toContain('use_esld')
  })
  it('signs rsa-sha256 and ed25519-sha256 for an authenticated user; both verifiers pass both', async () => {
    if (!signer) throw new Error('rspamd did not start')
    await expectBothSigned(signer, `alice@${ORG_DOMAIN}`)
  })
})

describe('rspamd 3.4 with the snippet and keys of dkim keygen, for a subdomain', () => {
  let signer: Signer | undefined
  beforeAll(async () => {
    signer = await signerFor(DOMAIN)
    // The fallback keys: selector "dkim" (Debian's default), the file as keygen wrote it.
    await mkdir(path.join(dbDir, 'dkim'))
    const [rsa, ed] = signer.result.files
    await copyFile(ed?.path ?? '', path.join(dbDir, 'dkim', `${PEM_ED_DOMAIN}.dkim.key`))
    await copyFile(rsa?.path ?? '', path.join(dbDir, 'dkim', `${PEM_RSA_DOMAIN}.dkim.key`))
  }, 120_000)
  function lab(): RspamdLab {
    if (!signer) throw new Error('rspamd did not start')
    return signer.rspamd
  }

  it('the snippet names the RSA PEM and the ed25519 seed, and turns off use_esld for a subdomain', () => {
    const result = signer?.result
    expect(result?.snippets.rspamd).toContain('use_esld = false;')
    expect(result?.snippets.rspamd).toContain(`path = "${result?.files[0]?.path}"; selector = "s20261207";`)
    expect(result?.snippets.rspamd).toContain(
      `path = "${result?.files[1]?.path}.seed"; selector = "s20261207-ed";`,
    )
  })

  it('signs rsa-sha256 and ed25519-sha256 for an authenticated user; both verifiers pass both', async () => {
    if (!signer) throw new Error('rspamd did not start')
    await expectBothSigned(signer, USER)
  })

  it('signs with the RSA PEM through its fallback path too (so the next test is not vacuous)', async () => {
    const from = `alice@${PEM_RSA_DOMAIN}`
    const signed = await lab().scan(message(from), from, from)
    expect(signatureHeaders(signed).map((h) => h.match(/\bd=([^;\s]+)/)?.[1])).toEqual([PEM_RSA_DOMAIN])
  })

  it('does not read the ed25519 PEM: no signature, and "cannot extract rsa key from evp key" (rspamd issue 4630)', async () => {
    const from = `alice@${PEM_ED_DOMAIN}`
    const signed = await lab().scan(message(from), from, from)
    // When a newer rspamd signs here, drop the rspamd part of keygen-ed25519-format and the docs row.
    expect(signatureHeaders(signed)).toEqual([])
    expect(await lab().log()).toMatch(
      new RegExp(
        `cannot load dkim key \\S*${PEM_ED_DOMAIN}\\.dkim\\.key: cannot extract rsa key from evp key`,
      ),
    )
  })
})
