// The generated corpus (dkimpy, mailauth, OpenDKIM and the lab's Exim as signers, then tampered
// copies) and the real messages of e2e/corpus/dkim-real: Mailwarden must give each case its
// expected result, and may disagree with dkimpy or mailauth 7 (strict) only where
// disagreements.ts lists it, each with its RFC reasoning in docs/dkim-differences.md. The
// comparison is per signature and, with mailauth, word for word (compare.ts).
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DkimReport } from '../../core/dkim/index.js'
import { verifyMessage } from '../../core/dkim/index.js'
import { getLab } from '../lab/lab.js'
import { compareWithPeer, type Disagreement, describeDisagreement, explain } from './compare.js'
import { EXPECTED_DISAGREEMENTS, type Peer } from './disagreements.js'
import { addEximCases } from './exim.js'
import { type Corpus, type CorpusCase, generateCorpus } from './generate.js'
import { dkimpyVerify, mailauthVerify, mailwardenKeys, type PeerSignature, readKeyFile } from './peers.js'
import { realCorpus } from './real.js'

const DOC = path.resolve(import.meta.dirname, '..', '..', 'docs', 'dkim-differences.md')

type ExpectedDisagreementKey = string
const keyOf = (e: (typeof EXPECTED_DISAGREEMENTS)[number]): ExpectedDisagreementKey =>
  `${e.id} ${e.peer} ${e.ours}/${e.theirs}`

interface Verified {
  corpus: Corpus
  c: CorpusCase
  report: DkimReport
  peers: Record<Peer, PeerSignature[]>
}

let dir: string
let generated: Corpus
const verified: Verified[] = []

async function verifyCorpus(corpus: Corpus): Promise<void> {
  const keysText = await readFile(corpus.keysFile, 'utf8')
  const keys = mailwardenKeys(keysText)
  const peerKeys = readKeyFile(corpus.keysFile)
  const reports = new Map<string, DkimReport>()
  for (const c of corpus.cases) {
    const data = await readFile(path.join(corpus.dir, c.file))
    reports.set(c.name, await verifyMessage(data, { keys, ...(c.at ? { at: new Date(c.at) } : {}) }))
  }
  // The peers judge time as of the same moment Mailwarden did (given, Received, or now).
  const when = (c: CorpusCase) => new Date((reports.get(c.name) as DkimReport).verifiedAt)
  const files = corpus.cases.map((c) => path.join(corpus.dir, c.file))
  const byFile = new Map(corpus.cases.map((c, i) => [files[i], c]))
  const python = await dkimpyVerify(files, corpus.keysFile, (f) =>
    Math.floor(when(byFile.get(f) as CorpusCase).getTime() / 1000),
  )
  for (const [i, c] of corpus.cases.entries()) {
    const data = await readFile(files[i] as string)
    verified.push({
      corpus,
      c,
      report: reports.get(c.name) as DkimReport,
      peers: { dkimpy: python[i] ?? [], mailauth: await mailauthVerify(data, peerKeys, when(c)) },
    })
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-corpus-'))
  generated = await generateCorpus(dir)
  await addEximCases(generated, getLab())
  await verifyCorpus(generated)
  await verifyCorpus(realCorpus())
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

const accepts = (expected: CorpusCase['expect']['signatures'][number]['result'], got: string) =>
  [expected].flat().includes(got as never)

describe('the DKIM corpus', () => {
  it('is generated with every signer, algorithm and canonicalization, and tampered copies', () => {
    const signers = new Set(generated.cases.map((c) => c.signer))
    expect([...signers].sort()).toEqual(['dkimpy', 'exim', 'mailauth', 'opendkim'])
    const text = generated.cases.map((c) => c.name).join(' ')
    for (const needle of [
      'ed25519',
      'rsa-sha1',
      'rsa512',
      'rsa4096',
      'simple-simple',
      'relaxed-relaxed',
      'simple-relaxed',
      'relaxed-simple',
      'length-',
      'oversigned',
      'multipart',
      'utf8',
      'empty-body',
      'no-final-crlf',
      'bare-lf',
      'tamper-',
      'from-second-',
      'key-missing',
      'key-revoked',
      'key-testing',
      'expired',
      'malformed-',
      'order-',
      'key-temporarily-unavailable',
    ])
      expect(text).toContain(needle)
    expect(generated.cases.length).toBeGreaterThan(150)
  })

  it('gives every case (generated and real) its expected results, alignment, verdict and findings', () => {
    const wrong: string[] = []
    for (const { c, report } of verified) {
      const got = report.signatures.map(
        (s) => `${s.domain}/${s.selector}=${s.result}${s.aligned ? '' : ' (not aligned)'}`,
      )
      const want = c.expect.signatures.map(
        (s) => `${s.domain}/${s.selector}=${[s.result].flat().join('|')}${s.aligned ? '' : ' (not aligned)'}`,
      )
      const ok =
        report.signatures.length === c.expect.signatures.length &&
        c.expect.signatures.every((s, i) => {
          const r = report.signatures[i]
          return (
            r &&
            r.domain === s.domain &&
            r.selector === s.selector &&
            accepts(s.result, r.result) &&
            (r.result !== 'pass' || r.aligned === s.aligned) &&
            (s.testing === undefined || r.testing === s.testing)
          )
        })
      if (!ok)
        wrong.push(
          `${c.name}: expected ${want.join(', ')}; got ${got.join(', ')} (${report.signatures.map((s) => s.reason).join('; ')})`,
        )
      if (report.alignedPass !== c.expect.verdictPass)
        wrong.push(`${c.name}: alignedPass ${report.alignedPass}, expected ${c.expect.verdictPass}`)
      const ids = new Set(report.findings.map((f) => f.id))
      for (const want of c.expect.findings ?? []) {
        if (!want.split('|').some((id) => ids.has(id)))
          wrong.push(`${c.name}: no finding ${want} (got ${[...ids].join(', ')})`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('disagrees with dkimpy and mailauth 7 (strict), word for word, only where docs/dkim-differences.md says why', async () => {
    const doc = await readFile(DOC, 'utf8')
    const used = new Set<ExpectedDisagreementKey>()
    const unexplained: string[] = []
    for (const { c, report, peers } of verified) {
      for (const peer of ['dkimpy', 'mailauth'] as const) {
        for (const d of compareWithPeer(c.name, report, peer, peers[peer])) {
          const entry = explain(d, EXPECTED_DISAGREEMENTS)
          if (entry) used.add(keyOf(entry))
          else unexplained.push(describeDisagreement(d))
        }
      }
    }
    expect(unexplained).toEqual([])
    // Every listed disagreement still happens (a stale entry hides nothing) and is documented
    // with its words and an RFC.
    expect(EXPECTED_DISAGREEMENTS.map(keyOf).filter((k) => !used.has(k))).toEqual([])
    for (const e of EXPECTED_DISAGREEMENTS) {
      const section = doc.split(/^## /m).find((s) => s.includes(`id: ${e.id}\n`))
      expect(section, `docs/dkim-differences.md has a section with "id: ${e.id}"`).toBeDefined()
      expect(section).toMatch(/RFC \d{4} section \d/)
      expect(section, `the section "${e.id}" gives the words`).toContain(
        `Mailwarden \`${e.ours}\`, ${e.peer} \`${e.theirs}\``,
      )
    }
  })

  it('compares mailauth word for word, dkimpy on pass or not, and names what it cannot explain', () => {
    // The comparison itself, on made-up results: it must be able to fail.
    const report = (...results: DkimReport['signatures'][number]['result'][]) =>
      ({
        verdict: results[0] ?? 'none',
        signatures: results.map((result) => ({ domain: 'd.example', selector: 's', result, reason: null })),
      }) as unknown as DkimReport
    const peer = (word: string, domain: string | null = 'd.example'): PeerSignature => ({
      pass: word === 'pass',
      word,
      detail: word,
      ...(domain ? { domain, selector: 's' } : {}),
    })
    const words = (ds: Disagreement[]) => ds.map((d) => `${d.signature}:${d.ours}/${d.theirs}`)
    expect(words(compareWithPeer('x', report('permerror'), 'mailauth', [peer('neutral')]))).toEqual([
      '1:permerror/neutral',
    ])
    expect(words(compareWithPeer('x', report('permerror'), 'dkimpy', [peer('fail')]))).toEqual([])
    expect(words(compareWithPeer('x', report('policy'), 'dkimpy', [peer('pass')]))).toEqual(['1:policy/pass'])
    expect(words(compareWithPeer('x', report('pass', 'fail'), 'mailauth', [peer('pass')]))).toEqual([
      '2:fail/absent',
    ])
    expect(words(compareWithPeer('x', report(), 'mailauth', [peer('none', null)]))).toEqual([])
    expect(words(compareWithPeer('x', report(), 'mailauth', [peer('neutral', null)]))).toEqual([
      '0:none/neutral',
    ])
    const [d] = compareWithPeer('key-missing', report('permerror'), 'mailauth', [peer('temperror')])
    expect(d && explain(d, EXPECTED_DISAGREEMENTS)).toBeUndefined()
    expect(d && describeDisagreement(d)).toMatch(
      /^key-missing signature 1: Mailwarden permerror, mailauth temperror/,
    )
    const [listed] = compareWithPeer('key-missing', report('permerror'), 'mailauth', [peer('neutral')])
    expect(listed && explain(listed, EXPECTED_DISAGREEMENTS)?.id).toBe('key-missing')
  })

  it('agrees with both peers that the untampered signatures of independent signers verify', () => {
    // A control for the comparison itself: if the peers never passed anything, agreement would mean nothing.
    const controls = verified.filter(({ c }) => /^(dkimpy|mailauth)-(rsa2048|ed25519)-/.test(c.name))
    expect(controls.length).toBeGreaterThan(40)
    for (const { c, report, peers } of controls) {
      expect([c.name, report.signatures.map((s) => s.result)]).toEqual([c.name, ['pass']])
      expect([c.name, peers.dkimpy.map((s) => s.pass), peers.mailauth.map((s) => s.pass)]).toEqual([
        c.name,
        [true],
        [true],
      ])
    }
  })
})
