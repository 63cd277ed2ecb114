// Where Mailwarden and a reference verifier are expected to disagree, each because Mailwarden
// follows the RFC there. Every entry has a section in docs/dkim-differences.md (its `id` appears
// there as `id: <id>`); the differential test fails on any disagreement not listed here, and on
// an entry that no longer matches anything (so the list stays true).

export type Peer = 'dkimpy' | 'mailauth'

export interface ExpectedDisagreement {
  /** The section in docs/dkim-differences.md. */
  id: string
  peer: Peer
  /** Case names (generated corpus) or file names (e2e/corpus/dkim-real) it covers. */
  cases: RegExp
  /** Which side passes the signature. */
  passes: 'mailwarden' | 'peer'
}

export const EXPECTED_DISAGREEMENTS: ExpectedDisagreement[] = [
  { id: 'rsa-sha1', peer: 'dkimpy', cases: /^(opendkim-rsa-sha1-.*|dkimpy-rsa-sha1)$/, passes: 'peer' },
  { id: 'key-h-tag', peer: 'dkimpy', cases: /^key-h-sha1-only$/, passes: 'peer' },
  { id: 'key-t-s-flag', peer: 'dkimpy', cases: /^key-t-s-subdomain-identity$/, passes: 'peer' },
  { id: 'from-not-signed', peer: 'dkimpy', cases: /^from-not-signed$/, passes: 'peer' },
  {
    id: 'extra-from-instance',
    peer: 'dkimpy',
    cases: /^tamper-(relaxed|simple)-from-second-(prepended|lowercase|folded)$/,
    passes: 'mailwarden',
  },
  {
    id: 'leading-whitespace-first-line',
    peer: 'dkimpy',
    cases: /^tamper-(relaxed|simple)-from-second-leading-space$/,
    passes: 'mailwarden',
  },
  { id: 'future-timestamp', peer: 'mailauth', cases: /^future-dated$/, passes: 'peer' },
]
