// e2e/corpus/dkim-real as corpus cases: real and published messages nobody here signed, with what
// each must give (from that folder's README).
import path from 'node:path'
import type { Corpus, CorpusCase, ExpectedSignature } from './generate.js'

export const REAL_DIR = path.resolve(import.meta.dirname, '..', 'corpus', 'dkim-real')

const pass = (domain: string, selector: string): ExpectedSignature => ({
  domain,
  selector,
  result: 'pass',
  aligned: true,
})
const noKey = (domain: string, selector: string): ExpectedSignature => ({
  domain,
  selector,
  result: 'permerror',
  aligned: false,
})

/** The RFC and dkimpy messages are verified as of 2020-01-01; the 2023 ones as of their Received time. */
const RFC_TIME = '2020-01-01T00:00:00Z'

const REAL: Array<Omit<CorpusCase, 'file' | 'signer'> & { file: string }> = [
  {
    name: 'rfc6376-a2.eml',
    file: 'rfc6376-a2.eml',
    description: 'RFC 6376 appendix A.2',
    at: RFC_TIME,
    expect: { signatures: [pass('example.com', 'brisbane')], verdictPass: true },
  },
  {
    name: 'rfc8463-a3.eml',
    file: 'rfc8463-a3.eml',
    description: 'RFC 8463 appendix A.3, ed25519 and rsa',
    at: RFC_TIME,
    expect: {
      signatures: [pass('football.example.com', 'brisbane'), pass('football.example.com', 'test')],
      verdictPass: true,
    },
  },
  {
    name: 'rfc8463-dkimpy-dual.eml',
    file: 'rfc8463-dkimpy-dual.eml',
    description: 'dkimpy test data, RFC 8463 keys, simple/simple',
    at: RFC_TIME,
    expect: {
      signatures: [pass('football.example.com', 'brisbane'), pass('football.example.com', 'test')],
      verdictPass: true,
    },
  },
  {
    name: 'rfc8463-dkimpy-rsa.eml',
    file: 'rfc8463-dkimpy-rsa.eml',
    description: 'dkimpy test data',
    at: RFC_TIME,
    expect: { signatures: [pass('football.example.com', 'test')], verdictPass: true },
  },
  {
    name: 'real-gmail-2013.eml',
    file: 'real-gmail-2013.eml',
    description: 'a real Gmail message of 2013, From strace.org, Sender gmail.com: passes, not aligned',
    at: RFC_TIME,
    expect: {
      signatures: [{ ...pass('gmail.com', '20120113'), aligned: false }],
      verdictPass: false,
      findings: ['not-aligned', 'sender-differs'],
    },
  },
  {
    name: 'real-amazon.eml',
    file: 'real-amazon.eml',
    description: 'real Amazon mail, 1024-bit key; the amazonses.com key is not available',
    expect: {
      signatures: [
        pass('amazon.com', 'yg4mwqurec7fkhzutopddd3ytuaqrvuz'),
        noKey('amazonses.com', '224i4yxa5dv7c2xz3womw6peuasteono'),
      ],
      verdictPass: true,
      findings: ['key-weak'],
    },
  },
  {
    name: 'real-cnn.eml',
    file: 'real-cnn.eml',
    description: 'a real CNN newsletter',
    expect: { signatures: [pass('newsletters.cnn.com', 'v2')], verdictPass: true },
  },
  {
    name: 'real-fastmail.eml',
    file: 'real-fastmail.eml',
    description:
      'real Fastmail mail with x=, verified as of its Received time; messagingengine.com has no key',
    expect: {
      signatures: [pass('fastmail.com', 'fm3'), noKey('messagingengine.com', 'fm3')],
      verdictPass: true,
    },
  },
]

/** The real corpus with absolute paths (the Corpus's `dir` is the folder itself). */
export function realCorpus(): Corpus {
  return {
    dir: REAL_DIR,
    keysFile: path.join(REAL_DIR, 'keys.txt'),
    cases: REAL.map((c) => ({ ...c, signer: 'published' as const })),
  }
}
