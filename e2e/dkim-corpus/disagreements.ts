// Where Mailwarden and a reference verifier are expected to say different things about a
// signature, by category. Each category is a section of docs/dkim-differences.md (its `id`
// appears there as `id: <id>`, with the words and the RFC section); the differential test fails
// on any disagreement not listed here (naming the case, the peer and both words), and on an entry
// that no longer matches anything (so the list stays true).
//
// Words: mailauth 7 (strict) gives an RFC 8601 word per signature and is compared word for word;
// dkimpy's verify() gives a boolean per signature, written "pass" or "fail", and is compared on
// pass or not only (so "permerror" against dkimpy "fail" is agreement).
import type { ExpectedDisagreement } from './compare.js'

export type { ExpectedDisagreement, Peer } from './compare.js'

export const EXPECTED_DISAGREEMENTS: ExpectedDisagreement[] = [
  // RFC 8301 3.1: rsa-sha1 is not valid. mailauth strict says policy too.
  {
    id: 'rsa-sha1',
    peer: 'dkimpy',
    cases: /^(opendkim-rsa-sha1-.*|dkimpy-rsa-sha1)$/,
    ours: 'policy',
    theirs: 'pass',
  },
  // RFC 6376 6.1.2 step 3: PERMFAIL (no key for signature).
  {
    id: 'key-missing',
    peer: 'mailauth',
    cases: /^(key-missing|real-amazon\.eml|real-fastmail\.eml)$/,
    ours: 'permerror',
    theirs: 'neutral',
  },
  // RFC 6376 3.6.1 p= empty, 6.1.2: PERMFAIL (key revoked).
  { id: 'key-revoked', peer: 'mailauth', cases: /^key-revoked$/, ours: 'permerror', theirs: 'neutral' },
  // RFC 6376 3.6.1 h=, 6.1.2 step 6: PERMFAIL (inappropriate hash algorithm).
  { id: 'key-h-tag', peer: 'dkimpy', cases: /^key-h-sha1-only$/, ours: 'permerror', theirs: 'pass' },
  { id: 'key-h-tag', peer: 'mailauth', cases: /^key-h-sha1-only$/, ours: 'permerror', theirs: 'neutral' },
  // RFC 6376 3.6.1 s=: a key for other services only.
  { id: 'key-s-tag', peer: 'mailauth', cases: /^key-s-tlsrpt-only$/, ours: 'permerror', theirs: 'neutral' },
  // RFC 6376 3.6.1 k=, 6.1.2 step 8: PERMFAIL (inappropriate key algorithm).
  { id: 'key-k-tag', peer: 'mailauth', cases: /^key-wrong-type$/, ours: 'permerror', theirs: 'neutral' },
  // RFC 6376 3.6.1 t=s: i= must not be in a subdomain of d=.
  {
    id: 'key-t-s-flag',
    peer: 'dkimpy',
    cases: /^key-t-s-subdomain-identity$/,
    ours: 'permerror',
    theirs: 'pass',
  },
  {
    id: 'key-t-s-flag',
    peer: 'mailauth',
    cases: /^key-t-s-subdomain-identity$/,
    ours: 'permerror',
    theirs: 'neutral',
  },
  // RFC 6376 6.1.1 and 5.4: PERMFAIL (From field not signed).
  { id: 'from-not-signed', peer: 'dkimpy', cases: /^from-not-signed$/, ours: 'permerror', theirs: 'pass' },
  {
    id: 'from-not-signed',
    peer: 'mailauth',
    cases: /^from-not-signed$/,
    ours: 'permerror',
    theirs: 'neutral',
  },
  // RFC 6376 3.5 i=, 6.1.1: PERMFAIL (domain mismatch).
  {
    id: 'identity-outside-domain',
    peer: 'mailauth',
    cases: /^identity-outside-domain$/,
    ours: 'permerror',
    theirs: 'neutral',
  },
  // RFC 6376 6.1.1: PERMFAIL (signature syntax error, missing required tag, incompatible version...).
  {
    id: 'malformed-signature',
    peer: 'mailauth',
    cases:
      /^malformed-(duplicate-tag|unknown-algorithm|bh-missing|version-2|selector-nul|canonicalization-unknown)$/,
    ours: 'permerror',
    theirs: 'neutral',
  },
  // RFC 6376 2.4 and 3.5 b=: not base64 is a syntax error; mailauth drops the bad characters.
  {
    id: 'b-not-base64',
    peer: 'mailauth',
    cases: /^malformed-b-not-base64$/,
    ours: 'permerror',
    theirs: 'pass',
  },
  // RFC 6376 6.1: the key (6.1.2) is checked before the body hash (6.1.3).
  {
    id: 'key-before-body',
    peer: 'mailauth',
    cases: /^order-key-(missing|revoked)-body-changed$/,
    ours: 'permerror',
    theirs: 'fail',
  },
  // RFC 6376 3.5 x=, RFC 8601 2.7.1 policy.
  { id: 'expired', peer: 'mailauth', cases: /^expired$/, ours: 'policy', theirs: 'neutral' },
  // RFC 6376 3.5 t=: "Verifiers MAY ignore signatures with a timestamp in the future".
  { id: 'future-timestamp', peer: 'mailauth', cases: /^future-dated$/, ours: 'policy', theirs: 'pass' },
  // RFC 6376 5.4.2, 8.15: an added top instance is not covered; the signature verifies.
  {
    id: 'extra-from-instance',
    peer: 'dkimpy',
    cases: /^tamper-(relaxed|simple)-from-second-(prepended|lowercase|folded)$/,
    ours: 'pass',
    theirs: 'fail',
  },
  // RFC 5322 2.2: a first line starting with whitespace is no field.
  {
    id: 'leading-whitespace-first-line',
    peer: 'dkimpy',
    cases: /^tamper-(relaxed|simple)-from-second-leading-space$/,
    ours: 'pass',
    theirs: 'fail',
  },
]
