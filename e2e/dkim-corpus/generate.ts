// The generated DKIM corpus: messages signed by independent signers (dkimpy, mailauth, OpenDKIM;
// Exim in the lab, see exim.ts), then tampered copies, each with the result RFC 6376 / RFC 8301 /
// RFC 8463 require. `generateCorpus(dir)` writes `keys.txt`, one .eml per case and
// `manifest.json`, in a few seconds. Run it by hand: `npx tsx e2e/dkim-corpus/generate.ts DIR`.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  CORPUS_DOMAIN,
  type KeySet,
  keyFileLines,
  makeKeys,
  OTHER_DOMAIN,
  SELECTORS,
  type SelectorId,
} from './keys.js'
import { type BaseMessage, baseMessages, FROM, header, splitMessage, toBareLf } from './messages.js'
import {
  type Algorithm,
  type Canon,
  type SignerName,
  type SignJob,
  type SignSpec,
  signAll,
} from './signers.js'

/** RFC 8601 result words. */
export type ResultWord = 'pass' | 'fail' | 'neutral' | 'policy' | 'temperror' | 'permerror' | 'none'

export interface ExpectedSignature {
  domain: string
  selector: string
  /** What RFC 6376 / 8301 / 8463 make of this signature. Several words: the RFCs leave the choice. */
  result: ResultWord | ResultWord[]
  /** d= aligned with the From domain (DMARC relaxed). */
  aligned: boolean
  testing?: boolean
}

export interface CorpusCase {
  name: string
  /** Relative to the corpus directory. */
  file: string
  /** Who signed it; "published" for the real messages of e2e/corpus/dkim-real. */
  signer: SignerName | 'published'
  description: string
  /** Verify as of this time (ISO); default now. */
  at?: string
  expect: {
    /** One entry per DKIM-Signature, topmost first. */
    signatures: ExpectedSignature[]
    /** True when a signature aligned with From passes: `mailwarden dkim verify` exits 0. */
    verdictPass: boolean
    /** Finding ids Mailwarden must raise (a subset of what it raises); "a|b": either will do. */
    findings?: string[]
  }
}

export interface Corpus {
  dir: string
  keysFile: string
  cases: CorpusCase[]
}

const SIGNED_HEADERS = ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type']
/** Each name once more than present: no instance can be added without breaking the signature. */
const OVERSIGNED = SIGNED_HEADERS.flatMap((h) => [h, h])

const CANONS: Canon[] = ['simple/simple', 'simple/relaxed', 'relaxed/simple', 'relaxed/relaxed']

interface Draft {
  name: string
  base: BaseMessage
  specs: SignSpec[]
  description: string
  /** Signature results in the order of `specs` (the last spec signs last, so it ends on top). */
  results: Array<ResultWord | ResultWord[]>
  aligned?: boolean[]
  testing?: boolean[]
  verdictPass?: boolean
  findings?: string[]
  at?: string
  /** Applied to the signed message before it is written (tampering, re-encoding). */
  after?: (signed: string) => string
  /**
   * The top signature's tag list is invalid as a whole (RFC 6376 3.2), so no d= or s= in it is
   * trusted: the verifier names it with an empty domain and selector.
   */
  unnamed?: boolean
}

const spec = (
  signer: SignSpec['signer'],
  selector: SelectorId,
  canon: Canon = 'relaxed/relaxed',
  alg: Algorithm = selector === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256',
  extra: Partial<SignSpec> = {},
): SignSpec => ({ signer, selector, canon, alg, ...extra })

function drafts(bases: Record<string, BaseMessage>): Draft[] {
  const plain = bases.plain as BaseMessage
  const list: Draft[] = []
  const add = (d: Draft) => list.push(d)

  // Every signer, algorithm and canonicalization on every base message.
  for (const base of Object.values(bases)) {
    for (const canon of CANONS) {
      add({
        name: `dkimpy-rsa2048-${canon.replace('/', '-')}-${base.name}`,
        base,
        specs: [spec('dkimpy', 'rsa2048', canon)],
        description: `dkimpy, rsa-sha256 2048 bits, ${canon}, ${base.name} message`,
        results: ['pass'],
      })
      add({
        name: `mailauth-ed25519-${canon.replace('/', '-')}-${base.name}`,
        base,
        specs: [spec('mailauth', 'ed25519', canon)],
        description: `mailauth, ed25519-sha256, ${canon}, ${base.name} message`,
        results: ['pass'],
      })
    }
    add({
      name: `dkimpy-ed25519-relaxed-simple-${base.name}`,
      base,
      specs: [spec('dkimpy', 'ed25519', 'relaxed/simple')],
      description: `dkimpy, ed25519-sha256 (RFC 8463), relaxed/simple, ${base.name} message`,
      results: ['pass'],
    })
    add({
      name: `mailauth-rsa2048-relaxed-relaxed-${base.name}`,
      base,
      specs: [spec('mailauth', 'rsa2048')],
      description: `mailauth, rsa-sha256 2048 bits, relaxed/relaxed, ${base.name} message`,
      results: ['pass'],
    })
    add({
      name: `opendkim-rsa-sha1-${base.name}`,
      base,
      specs: [spec('opendkim', 'rsa2048', 'relaxed/simple', 'rsa-sha1')],
      description: `OpenDKIM (opendkim-testmsg) signs rsa-sha1, which RFC 8301 3.1 forbids verifiers to accept`,
      results: [['policy', 'fail', 'permerror']],
      findings: ['sha1-not-accepted'],
    })
    add({
      name: `bare-lf-dkimpy-${base.name}`,
      base,
      specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed')],
      description:
        'signed with CRLF, stored with bare LF as mbox and Maildir do (RFC 6376 5.3: local line ends)',
      results: ['pass'],
      after: toBareLf,
    })
  }

  // Key sizes: RFC 8301 3.2: below 1024 bits is not valid; 1024 valid (worth a warning).
  for (const sel of ['rsa1024', 'rsa3072', 'rsa4096'] as const) {
    add({
      name: `dkimpy-${sel}-simple-simple`,
      base: plain,
      specs: [spec('dkimpy', sel, 'simple/simple')],
      description: `dkimpy, ${sel}`,
      results: ['pass'],
      findings: sel === 'rsa1024' ? ['key-weak'] : undefined,
    })
  }
  add({
    name: 'mailauth-rsa512',
    base: plain,
    specs: [spec('mailauth', 'rsa512')],
    description: 'a 512-bit RSA key: RFC 8301 3.2 says verifiers MUST NOT consider it valid',
    results: [['policy', 'fail', 'permerror']],
    findings: ['key-too-short'],
  })
  add({
    name: 'dkimpy-rsa-sha1',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha1')],
    description: 'dkimpy signs rsa-sha1 with a good key: still refused (RFC 8301 3.1)',
    results: [['policy', 'fail', 'permerror']],
    findings: ['sha1-not-accepted'],
  })

  // Two signatures: one ed25519, one RSA (RFC 8463 recommends signing with both).
  add({
    name: 'dual-ed25519-rsa',
    base: plain,
    specs: [spec('mailauth', 'rsa2048'), spec('dkimpy', 'ed25519', 'relaxed/simple')],
    description: 'rsa-sha256 by mailauth, then ed25519-sha256 by dkimpy on top',
    results: ['pass', 'pass'],
  })
  add({
    name: 'unaligned-other-domain',
    base: plain,
    specs: [spec('dkimpy', 'other')],
    description: `signed by ${OTHER_DOMAIN} for mail From ${CORPUS_DOMAIN}: passes, not aligned (DMARC, RFC 7489 3.1.1)`,
    results: ['pass'],
    aligned: [false],
    verdictPass: false,
    findings: ['not-aligned'],
  })
  add({
    name: 'aligned-and-unaligned',
    base: plain,
    specs: [spec('dkimpy', 'other'), spec('mailauth', 'rsa2048')],
    description: 'a third-party signature and the author domain signature: the aligned one counts',
    results: ['pass', 'pass'],
    aligned: [false, true],
  })

  // Key record tags.
  add({
    name: 'key-missing',
    base: plain,
    specs: [spec('mailauth', 'missing')],
    description: 'no key record published for the selector (RFC 6376 6.1.2: PERMFAIL no key)',
    results: ['permerror'],
    // The corpus is verified with its key file: the finding names that source, not DNS (a key
    // missing from DNS is key-missing; see docs/dkim.md).
    findings: ['key-missing|key-not-in-key-file'],
  })
  add({
    name: 'key-revoked',
    base: plain,
    specs: [spec('mailauth', 'revoked')],
    description: 'the key record has an empty p=: revoked (RFC 6376 3.6.1, 6.1.2)',
    results: ['permerror'],
    findings: ['key-revoked'],
  })
  add({
    name: 'key-testing',
    base: plain,
    specs: [spec('dkimpy', 'testing')],
    description: 'the key record has t=y: the domain is testing DKIM; the signature still verifies',
    results: ['pass'],
    testing: [true],
    findings: ['key-testing'],
  })
  add({
    name: 'key-h-sha1-only',
    base: plain,
    specs: [spec('dkimpy', 'sha1only')],
    description: 'rsa-sha256 signature with a key restricted to h=sha1 (RFC 6376 6.1.2 step 6: PERMFAIL)',
    results: ['permerror'],
  })
  add({
    name: 'key-s-email',
    base: plain,
    specs: [spec('dkimpy', 'service')],
    description: 'a key with s=email, which allows mail',
    results: ['pass'],
  })
  add({
    name: 'key-s-tlsrpt-only',
    base: plain,
    specs: [spec('dkimpy', 'tlsrptOnly')],
    description: 'a key with s=tlsrpt only (RFC 8460 3): not for ordinary mail (RFC 6376 3.6.1)',
    results: [['permerror', 'fail']],
  })
  add({
    name: 'key-t-s-subdomain-identity',
    base: plain,
    specs: [
      spec('mailauth', 'strictSub', 'relaxed/relaxed', 'rsa-sha256', {
        identity: `alice@news.${CORPUS_DOMAIN}`,
      }),
    ],
    description: 'a t=s key with an i= in a subdomain of d= (RFC 6376 3.6.1: not allowed)',
    results: [['permerror', 'fail']],
  })
  add({
    name: 'key-t-s-same-domain-identity',
    base: plain,
    specs: [
      spec('mailauth', 'strictSub', 'relaxed/relaxed', 'rsa-sha256', { identity: `alice@${CORPUS_DOMAIN}` }),
    ],
    description: 'a t=s key with i= exactly in d=: allowed',
    results: ['pass'],
  })
  add({
    name: 'key-wrong-type',
    base: plain,
    specs: [spec('dkimpy', 'wrongType')],
    description: 'an rsa-sha256 signature whose key record says k=ed25519 (RFC 6376 6.1.2 step 9: PERMFAIL)',
    results: ['permerror'],
  })

  // Time: x= passed, t= in the future (RFC 6376 3.5).
  add({
    name: 'expired',
    base: plain,
    specs: [
      spec('mailauth', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', {
        signTime: 1577836800,
        expires: 1577923200,
      }),
    ],
    description: 'x= (2020-01-02) has passed: RFC 6376 6.1.1 PERMFAIL signature expired',
    results: [['policy', 'permerror']],
    findings: ['signature-expired'],
  })
  add({
    name: 'expired-verified-at-signing-time',
    base: plain,
    specs: [
      spec('mailauth', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', {
        signTime: 1577836800,
        expires: 1577923200,
      }),
    ],
    description: 'the same expired signature verified as of 2020-01-01T12:00Z (--at): valid then',
    results: ['pass'],
    at: '2020-01-01T12:00:00Z',
  })
  add({
    name: 'future-dated',
    base: plain,
    specs: [spec('mailauth', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', { signTime: 4102444800 })],
    description: 't= in 2100: a signature from the future (RFC 6376 3.5 t=)',
    results: [['policy', 'permerror']],
    findings: ['signature-future'],
  })

  // l= (RFC 6376 3.5, 8.2): partial coverage, and the content appended after it.
  add({
    name: 'length-whole-body',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', { length: true })],
    description: 'l= covering the whole body',
    results: ['pass'],
  })
  add({
    name: 'length-content-appended',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', { length: true })],
    description: 'l= covering the original body, then content appended (the l= attack, RFC 6376 8.2)',
    results: ['pass'],
    findings: ['body-length-content-after'],
    after: (m) => `${m}\r\nUnsigned text appended after the signed length: click here.\r\n`,
  })
  add({
    name: 'length-partial-mailauth',
    base: plain,
    specs: [spec('mailauth', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', { length: 12 })],
    description: 'l=12: only the first 12 canonical body bytes are signed',
    results: ['pass'],
    findings: ['body-length-content-after'],
  })
  add({
    name: 'length-content-type-unsigned',
    base: bases.multipart as BaseMessage,
    specs: [
      spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', {
        length: true,
        headers: ['from', 'to', 'subject', 'date'],
      }),
    ],
    description: 'l= with Content-Type unsigned: a new MIME structure can be appended (the 2024 l= attack)',
    results: ['pass'],
    findings: ['body-length-content-after', 'body-length-content-type-unsigned'],
    after: (m) =>
      `${m.replace(
        /^Content-Type: multipart\/mixed; boundary="[^"]+"\r\n/m,
        'Content-Type: multipart/mixed; boundary="evil"\r\n',
      )}--evil\r\nContent-Type: text/html\r\n\r\n<p>Replaced content</p>\r\n--evil--\r\n`,
  })

  // Oversigning, and instances added above or below the signed ones (RFC 6376 5.4.2, 8.15).
  add({
    name: 'oversigned',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', { headers: OVERSIGNED })],
    description: 'every header signed one more time than present (h= with repeats): oversigning',
    results: ['pass'],
  })
  add({
    name: 'oversigned-subject-added-above',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', { headers: OVERSIGNED })],
    description: 'oversigned, then a second Subject prepended: the empty oversigned instance breaks',
    results: ['fail'],
    after: (m) => `Subject: Urgent: wire the money\r\n${m}`,
  })

  // Tampered copies of plain messages, relaxed and simple.
  for (const canon of ['relaxed/relaxed', 'simple/simple'] as const) {
    const tag = canon === 'relaxed/relaxed' ? 'relaxed' : 'simple'
    const relaxedHeader = canon === 'relaxed/relaxed'
    const tampered = (
      name: string,
      description: string,
      result: ResultWord,
      after: (m: string) => string,
      findings?: string[],
    ) =>
      add({
        name: `tamper-${tag}-${name}`,
        base: plain,
        specs: [
          spec(name.startsWith('mailauth') ? 'mailauth' : 'dkimpy', 'rsa2048', canon, 'rsa-sha256', {
            headers: SIGNED_HEADERS,
          }),
        ],
        description: `${canon}: ${description}`,
        results: [result],
        findings,
        // Two From fields: no single author domain, so nothing is aligned (RFC 7489 6.6.1). The same
        // for " From:" on the first line: no field for a verifier, but a sender for some mail
        // clients, so the author is ambiguous (first-line-not-header; see docs/dkim.md).
        ...(name.startsWith('from-second') ? { verdictPass: false, aligned: [false] } : {}),
        after,
      })
    tampered(
      'body-word',
      'a word of the body changed',
      'fail',
      (m) => m.replace('figures are attached', 'figures are attacked'),
      ['body-hash-mismatch'],
    )
    tampered(
      'body-footer',
      'a mailing-list footer appended',
      'fail',
      (m) => `${m}_______________\r\nlist mailing list\r\n`,
      ['body-hash-mismatch'],
    )
    tampered(
      'subject',
      'the Subject changed',
      'fail',
      (m) => m.replace('Subject: Quarterly figures', 'Subject: Quarterly figures (corrected)'),
      ['header-hash-mismatch'],
    )
    tampered(
      'body-trailing-space',
      'spaces added at the end of a body line',
      relaxedHeader ? 'pass' : 'fail',
      (m) => m.replace('Hello Bob,\r\n', 'Hello Bob,   \r\n'),
    )
    tampered(
      'body-inner-space',
      'a run of spaces widened inside a body line',
      relaxedHeader ? 'pass' : 'fail',
      (m) => m.replace('Two  spaces', 'Two     spaces'),
    )
    tampered(
      'body-blank-lines-appended',
      'empty lines appended to the body (ignored by both canonicalizations)',
      'pass',
      (m) => `${m}\r\n\r\n\r\n`,
    )
    tampered('header-space', 'a space added after a header colon', relaxedHeader ? 'pass' : 'fail', (m) =>
      m.replace('Subject: Quarterly', 'Subject:    Quarterly'),
    )
    tampered(
      'header-refolded',
      'the Subject re-folded onto two lines',
      relaxedHeader ? 'pass' : 'fail',
      (m) => m.replace('Subject: Quarterly figures', 'Subject: Quarterly\r\n figures'),
    )
    tampered(
      'header-name-case',
      'a header name changed to upper case',
      relaxedHeader ? 'pass' : 'fail',
      (m) => m.replace('\r\nSubject: ', '\r\nSUBJECT: '),
    )
    tampered(
      'header-unsigned-added',
      'an unsigned header (X-Spam-Score) added',
      'pass',
      (m) => `X-Spam-Score: 0.1\r\n${m}`,
    )
    tampered(
      'subject-added-above',
      'a second Subject prepended above the signed one (bottom-up selection keeps the original)',
      'pass',
      (m) => `Subject: Urgent: wire the money\r\n${m}`,
      ['unsigned-instance-above'],
    )
    tampered(
      'subject-added-below',
      'a second Subject added below the signed one (the bottom instance is now signed)',
      'fail',
      (m) => m.replace('\r\n\r\n', '\r\nSubject: Urgent: wire the money\r\n\r\n'),
    )
    tampered(
      'from-second-prepended',
      'a second From prepended (RFC 5322 3.6: exactly one From)',
      'pass',
      (m) => `From: CEO <ceo@attacker.example>\r\n${m}`,
      ['from-multiple'],
    )
    tampered(
      'from-second-space-before-colon',
      'a second From in disguise: "From :" (a field name some parsers trim)',
      'pass',
      (m) => `From : CEO <ceo@attacker.example>\r\n${m}`,
      ['from-disguised'],
    )
    tampered(
      'from-second-lowercase',
      'a second From in lower case ("from:")',
      'pass',
      (m) => `from: CEO <ceo@attacker.example>\r\n${m}`,
      ['from-multiple'],
    )
    tampered(
      'from-second-leading-space',
      'a second From in disguise: " From:" on the first line (a continuation with nothing to continue)',
      'pass',
      (m) => ` From: CEO <ceo@attacker.example>\r\n${m}`,
      ['from-disguised', 'first-line-not-header'],
    )
    tampered(
      'from-second-folded',
      'a second From whose address is folded onto the next line',
      'pass',
      (m) => `From: "CEO"\r\n <ceo@attacker.example>\r\n${m}`,
      ['from-multiple'],
    )
    tampered(
      'from-second-below',
      'a second From added below the signed one: the bottom instance is now signed',
      'fail',
      (m) => m.replace('\r\n\r\n', '\r\nFrom: CEO <ceo@attacker.example>\r\n\r\n'),
    )
    tampered('signature-b-changed', 'one character of b= changed', 'fail', (m) =>
      m.replace(
        /(\bb=[A-Za-z0-9+/]{10})([A-Za-z0-9+/])/,
        (_, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'),
      ),
    )
    tampered('signature-bh-changed', 'one character of bh= changed', 'fail', (m) =>
      m.replace(
        /(\bbh=[A-Za-z0-9+/]{10})([A-Za-z0-9+/])/,
        (_, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'),
      ),
    )
    tampered(
      'body-crlf-to-lf-partly',
      'some line ends rewritten to bare LF, some kept (a mangling relay)',
      'pass',
      (m) => {
        const { head, body } = splitMessage(m)
        return `${head}\r\n${body.replace('Hello Bob,\r\n', 'Hello Bob,\n')}`
      },
    )
  }

  // From forms that deceive while the signature passes.
  add({
    name: 'from-display-name-shows-other-address',
    base: {
      name: 'plain',
      text: plain.text.replace(`From: ${FROM}`, `From: "ceo@bank.example" <alice@${CORPUS_DOMAIN}>`),
    },
    specs: [spec('dkimpy', 'rsa2048')],
    description: 'the display name is another address; the signature passes',
    results: ['pass'],
    findings: ['from-display-name-address'],
  })
  add({
    name: 'from-several-addresses',
    base: {
      name: 'plain',
      text: plain.text.replace(`From: ${FROM}`, `From: ${FROM}, CEO <ceo@bank.example>`),
    },
    specs: [spec('dkimpy', 'rsa2048')],
    description: 'one From with two mailboxes (RFC 5322 3.6.2 then requires Sender)',
    results: ['pass'],
    findings: ['from-several-addresses'],
  })
  add({
    name: 'from-encoded-word-address',
    base: {
      name: 'plain',
      text: plain.text.replace(
        `From: ${FROM}`,
        `From: =?utf-8?q?ceo=40bank=2Eexample?= <alice@${CORPUS_DOMAIN}>`,
      ),
    },
    specs: [spec('dkimpy', 'rsa2048')],
    description: 'an encoded-word display name that decodes to another address',
    results: ['pass'],
    findings: ['from-display-name-address|from-encoded-address'],
  })
  add({
    name: 'from-not-signed',
    base: plain,
    specs: [
      spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', {
        headers: ['subject', 'date'],
        unsignedFrom: true,
      }),
    ],
    description: 'h= without From: RFC 6376 6.1.1 says ignore it, PERMFAIL (From field not signed)',
    results: ['permerror'],
  })
  add({
    name: 'subject-not-signed',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', { headers: ['from', 'date', 'to'] })],
    description: 'Subject not signed: passes, with a warning',
    results: ['pass'],
    findings: ['header-not-signed'],
  })
  add({
    name: 'no-signature',
    base: plain,
    specs: [],
    description: 'a message without DKIM-Signature (RFC 8601 2.7.1: none)',
    results: [],
    verdictPass: false,
  })

  // Edge: an i= outside d= is a permerror (RFC 6376 3.5, 6.1.1).
  add({
    name: 'identity-outside-domain',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048')],
    description: 'i= changed to another domain after signing (RFC 6376 6.1.1: PERMFAIL domain mismatch)',
    results: ['permerror'],
    findings: ['identity-invalid'],
    after: (m) => m.replace(`i=@${CORPUS_DOMAIN}`, 'i=@attacker.example'),
  })

  // Malformed signatures, each a tag-list edit after signing: RFC 6376 6.1.1 stops before any key
  // or hash is looked at ("PERMFAIL (signature syntax error)" and kin), so the answer is the
  // malformation, not the broken cryptography (permerror, RFC 8601 2.7.1).
  const malformed = (
    name: string,
    description: string,
    edit: (field: string) => string,
    tagList: 'valid' | 'invalid' = 'valid',
  ) =>
    add({
      name: `malformed-${name}`,
      base: plain,
      specs: [spec('dkimpy', 'rsa2048')],
      description: `${description} (RFC 6376 6.1.1: PERMFAIL)`,
      results: ['permerror'],
      findings: ['signature-malformed'],
      after: (m) => editTopSignature(m, edit),
      unnamed: tagList === 'invalid',
    })
  malformed('b-not-base64', 'b= with characters outside base64', (f) => f.replace(/\bb=/, 'b=*%!'))
  malformed(
    'duplicate-tag',
    'the d= tag twice',
    (f) => f.replace(/^DKIM-Signature:/i, '$& d=corpus.example;'),
    'invalid',
  )
  malformed('unknown-algorithm', 'a=rsa-sha512, an algorithm DKIM does not define', (f) =>
    f.replace('a=rsa-sha256', 'a=rsa-sha512'),
  )
  malformed('bh-missing', 'the required bh= tag removed', (f) => f.replace(/\bbh=[^;]*;\s*/, ''))
  malformed('version-2', 'v=2, a version this verifier does not know', (f) => f.replace('v=1', 'v=2'))
  malformed('selector-nul', 'a NUL byte in s=', (f) => f.replace('s=rsa2048', 's=rsa\u00002048'), 'invalid')
  malformed('canonicalization-unknown', 'c=relaxed/fancy', (f) =>
    f.replace('c=relaxed/relaxed', 'c=relaxed/fancy'),
  )

  // Which failure wins when two apply: RFC 6376 6.1 checks the signature field (6.1.1), then fetches
  // and checks the key (6.1.2), and only then hashes the body and verifies (6.1.3).
  const changeBody = (m: string) => m.replace('figures are attached', 'figures are attacked')
  add({
    name: 'order-key-missing-body-changed',
    base: plain,
    specs: [spec('mailauth', 'missing')],
    description: 'no key and a changed body: the key step (6.1.2) comes first, PERMFAIL no key',
    results: ['permerror'],
    after: changeBody,
  })
  add({
    name: 'order-key-revoked-body-changed',
    base: plain,
    specs: [spec('mailauth', 'revoked')],
    description: 'a revoked key and a changed body: the key step (6.1.2) comes first, PERMFAIL revoked',
    results: ['permerror'],
    after: changeBody,
  })
  add({
    name: 'order-rsa-sha1-body-changed',
    base: plain,
    specs: [spec('dkimpy', 'rsa2048', 'relaxed/relaxed', 'rsa-sha1')],
    description: 'rsa-sha1 and a changed body: the signature fails verification before any policy applies',
    results: ['fail'],
    after: changeBody,
  })
  add({
    name: 'order-expired-body-changed',
    base: plain,
    specs: [
      spec('mailauth', 'rsa2048', 'relaxed/relaxed', 'rsa-sha256', {
        signTime: 1577836800,
        expires: 1577923200,
      }),
    ],
    description: 'expired and a changed body: it does not verify at all, so fail rather than policy',
    results: ['fail'],
    after: changeBody,
  })
  add({
    name: 'key-temporarily-unavailable',
    base: plain,
    specs: [spec('mailauth', 'unreachable')],
    description:
      'the key lookup times out (RFC 6376 6.1.2 TEMPFAIL key unavailable; RFC 8601 2.7.1 temperror)',
    results: ['temperror'],
    verdictPass: false,
    findings: ['key-unavailable'],
  })
  return list
}

/** Applies `edit` to the topmost DKIM-Signature field (with its folded lines) of a message. */
function editTopSignature(message: string, edit: (field: string) => string): string {
  const match = /^DKIM-Signature:[^\n]*\n(?:[ \t][^\n]*\n)*/im.exec(message)
  if (!match) throw new Error('no DKIM-Signature to edit')
  return message.slice(0, match.index) + edit(match[0]) + message.slice(match.index + match[0].length)
}

/** Writes the corpus to `dir`; returns its manifest. */
export async function generateCorpus(dir: string): Promise<Corpus> {
  const privDir = path.join(dir, 'private')
  const casesDir = path.join(dir, 'cases')
  await mkdir(privDir, { recursive: true })
  await mkdir(casesDir, { recursive: true })
  const keys: KeySet = await makeKeys(privDir)
  const keysFile = path.join(dir, 'keys.txt')
  await writeFile(keysFile, `${keyFileLines(keys).join('\n')}\n`)

  const bases = Object.fromEntries(baseMessages().map((b) => [b.name, b]))
  const list = drafts(bases)
  // Sign layer by layer: the n-th spec of every draft in one batch (dkimpy is one process per batch).
  const texts = list.map((d) => d.base.text)
  const depth = Math.max(...list.map((d) => d.specs.length))
  for (let layer = 0; layer < depth; layer++) {
    const jobs: Array<SignJob & { index: number }> = []
    list.forEach((d, index) => {
      const s = d.specs[layer]
      if (s) jobs.push({ text: texts[index] as string, spec: s, index })
    })
    const signed = await signAll(jobs, keys)
    jobs.forEach((job, k) => {
      texts[job.index] = signed[k] as string
    })
  }

  const cases: CorpusCase[] = []
  for (const [index, d] of list.entries()) {
    const text = d.after ? d.after(texts[index] as string) : (texts[index] as string)
    const file = path.join('cases', `${d.name}.eml`)
    await writeFile(path.join(dir, file), Buffer.from(text, 'latin1'))
    // Signatures are listed topmost first: the last one signed is on top.
    const order = d.specs.map((_, i) => i).reverse()
    const signatures = order.map((i, k) => {
      const s = d.specs[i] as SignSpec
      const selector = SELECTORS[s.selector]
      const unnamed = d.unnamed === true && k === 0
      return {
        domain: unnamed ? '' : selector.domain,
        selector: unnamed ? '' : selector.name,
        result: d.results[i] as ResultWord | ResultWord[],
        aligned: d.aligned?.[i] ?? (!unnamed && selector.domain === CORPUS_DOMAIN),
        ...(d.testing?.[i] ? { testing: true } : {}),
      }
    })
    const verdictPass = d.verdictPass ?? signatures.some((s) => s.aligned && s.result === 'pass')
    cases.push({
      name: d.name,
      file,
      signer: (d.specs.at(-1)?.signer ?? 'dkimpy') as SignerName,
      description: d.description,
      ...(d.at ? { at: d.at } : {}),
      expect: { signatures, verdictPass, ...(d.findings ? { findings: d.findings } : {}) },
    })
  }
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ keysFile: 'keys.txt', cases }, null, 2))
  return { dir, keysFile, cases }
}

/** A header block for tests that build messages by hand. */
export { header }

if (import.meta.filename === process.argv[1]) {
  const dir = path.resolve(process.argv[2] ?? 'dkim-corpus-out')
  const started = Date.now()
  generateCorpus(dir).then(
    (c) => console.log(`${c.cases.length} cases in ${dir} (${Date.now() - started} ms)`),
    (e: unknown) => {
      console.error(e)
      process.exitCode = 1
    },
  )
}
