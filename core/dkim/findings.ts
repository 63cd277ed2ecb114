// The findings a careful expert raises about a message and its signatures. Ids, severities and
// titles come from the one table in shared/knowledge/dkim-findings.ts; here only the detail about
// this message is written.
import { domainToASCII } from 'node:url'
import type { DkimFinding } from '../../shared/contract/dkim.js'
import { SEVERITY_RANK } from '../../shared/contract/mail.js'
import { DKIM_FINDINGS, type DkimFindingId } from '../../shared/knowledge/dkim-findings.js'
import { organizationalDomainByList } from '../dmarc/organizational-domain.js'
import { addressesIn, decodeEncodedWords, hasEncodedWord, parseMailboxes } from './addresses.js'
import type { Alignment } from './alignment.js'
import type { BodyContext } from './explain.js'
import { OLD_SIGNATURE_SECONDS } from './limits.js'
import {
  displayValue,
  type HeaderBlock,
  type HeaderField,
  type LineEndingCounts,
  type SplitMessage,
} from './message.js'
import type { SignatureState } from './signature-state.js'

export type Finding = DkimFinding

export function finding(id: DkimFindingId, detail: string, signature: number | null = null): Finding {
  const info = DKIM_FINDINGS[id]
  return { id, severity: info.severity, title: info.title, detail, signature }
}

/** RFC 5322 3.6: fields that may appear at most once. */
const UNIQUE_FIELDS = [
  'date',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'message-id',
  'in-reply-to',
  'references',
  'subject',
]
/** What a reader relies on: should be signed. */
const IMPORTANT_FIELDS = [
  'subject',
  'date',
  'to',
  'cc',
  'reply-to',
  'message-id',
  'content-type',
  'mime-version',
  'content-transfer-encoding',
]
/** What should be oversigned, so no copy can be added on top. */
const OVERSIGN_FIELDS = ['from', 'subject', 'date', 'to', 'cc', 'reply-to', 'content-type', 'mime-version']

function quote(text: string, max = 120): string {
  const clean = text.replace(/\s+/g, ' ').trim()
  return `"${clean.length > max ? `${clean.slice(0, max)}…` : clean}"`
}

function display(field: HeaderField): string {
  return Buffer.from(field.name, 'latin1').toString('utf8').replace(/\r\n/g, '⏎')
}

export interface MessageFacts {
  findings: Finding[]
  fromAddress: string | null
  fromDomain: string | null
  /**
   * The author is not one From field: several From fields (also "From :", RFC 5322's obsolete
   * form, which some clients show), or a first line that is no header field ("From x"), which some
   * clients show as the sender. No signature then counts as aligned (RFC 7489 6.6.1, RFC 6376 8.15).
   */
  authorAmbiguous: boolean
}

export function messageFindings(
  block: HeaderBlock,
  fields: readonly HeaderField[],
  split: SplitMessage,
  bodyEndings: LineEndingCounts,
  signatureCount: number,
  checkedCount: number,
): MessageFacts {
  const froms = fields.filter((f) => f.key === 'from')
  const author = authorFindings(froms[0])
  const structure = structureFindings(fields, split, bodyEndings)
  const out: Finding[] = [
    ...fromFieldFindings(block, fields, froms),
    ...author.findings,
    ...otherFieldFindings(fields, author.fromDomain),
    ...structure.findings,
    ...signatureCountFindings(signatureCount, checkedCount),
  ]
  return {
    findings: out,
    fromAddress: author.fromAddress,
    fromDomain: author.fromDomain,
    authorAmbiguous: froms.length > 1 || structure.firstLineBad,
  }
}

/** How many From fields there are, and those written so that a reader may take them for another. */
function fromFieldFindings(
  block: HeaderBlock,
  fields: readonly HeaderField[],
  froms: readonly HeaderField[],
): Finding[] {
  const out: Finding[] = []
  const lookalikeFroms = block.lookalikes.filter((l) => l.key === 'from')
  if (froms.length === 0) out.push(finding('from-missing', 'The message has no From header field.'))
  if (froms.length > 1)
    out.push(
      finding(
        'from-multiple',
        `${froms.length} From fields: ${froms.map((f) => quote(`${display(f)}:${displayValue(f)}`)).join(', ')}.`,
      ),
    )
  for (const field of froms.filter((f) => f.spaceBeforeColon))
    out.push(
      finding(
        'from-disguised',
        `A From field is written ${quote(`${display(field)}:`)} (space or fold before the colon).`,
      ),
    )
  for (const look of lookalikeFroms) {
    const host = fields[look.field]
    out.push(
      finding(
        'from-disguised',
        host?.key
          ? `A line inside the ${display(host)} field starts with " From:" (folded into it; some programs show it as the sender).`
          : 'The first header line starts with a space and "From:", so it is no field at all; some programs show it as the sender.',
      ),
    )
  }
  return out
}

interface Author {
  findings: Finding[]
  fromAddress: string | null
  fromDomain: string | null
}

/** The author's address in the (first) From field, and what in that field hides or disguises it. */
function authorFindings(from: HeaderField | undefined): Author {
  const out: Finding[] = []
  let fromAddress: string | null = null
  let fromDomain: string | null = null
  if (from) {
    const value = displayValue(from)
    const mailboxes = parseMailboxes(value)
    if (mailboxes.length > 1)
      out.push(
        finding(
          'from-several-addresses',
          `From lists ${mailboxes.length} mailboxes: ${quote(mailboxes.map((m) => m.address).join(', '))}.`,
        ),
      )
    const first = mailboxes[0]
    if (first?.address) {
      fromAddress = first.address
      // RFC 8616: an internationalized domain is compared with d= as A-labels.
      fromDomain = first.domain ? domainToASCII(first.domain) || first.domain : null
    }
    if (hasEncodedWord(value)) {
      const words = [...value.matchAll(/=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/g)].map((m) =>
        decodeEncodedWords(m[0]),
      )
      const hiding = words.find((w) => /[@<>]/.test(w))
      if (hiding)
        out.push(
          finding(
            'from-encoded-address',
            `An encoded word in From decodes to ${quote(hiding)}; the real address is ${quote(fromAddress ?? 'none')}.`,
          ),
        )
    }
    for (const mailbox of mailboxes) {
      const shown = addressesIn(decodeEncodedWords(mailbox.displayName)).filter(
        (a) => a !== mailbox.address.toLowerCase(),
      )
      if (shown.length > 0)
        out.push(
          finding(
            'from-display-name-address',
            `The name ${quote(decodeEncodedWords(mailbox.displayName))} shows ${shown[0]}, but the address is ${mailbox.address}.`,
          ),
        )
    }
  }
  return { findings: out, fromAddress, fromDomain }
}

/** Sender, Resent-From, and fields that must appear once but appear more often. */
function otherFieldFindings(fields: readonly HeaderField[], fromDomain: string | null): Finding[] {
  const out: Finding[] = []
  const sender = fields.find((f) => f.key === 'sender')
  if (sender && fromDomain) {
    const senderDomain = parseMailboxes(displayValue(sender))[0]?.domain
    // Sender is no DMARC identifier: the list (no DNS asked) is enough to say "another organisation".
    if (senderDomain && organizationalDomainByList(senderDomain) !== organizationalDomainByList(fromDomain))
      out.push(
        finding('sender-differs', `Sender is ${quote(displayValue(sender))}; From is in ${fromDomain}.`),
      )
  }
  const resent = fields.find((f) => f.key === 'resent-from')
  if (resent) out.push(finding('resent', `Resent-From: ${quote(displayValue(resent))}.`))

  for (const key of UNIQUE_FIELDS) {
    const copies = fields.filter((f) => f.key === key)
    if (copies.length > 1)
      out.push(
        finding(
          'header-duplicate',
          `${copies.length} ${display(copies[0] as HeaderField)} fields: ${copies.map((c) => quote(displayValue(c), 60)).join(', ')}.`,
        ),
      )
  }
  return out
}

/** The shape of the file: the first line, lines that are no field, the blank line, line endings. */
function structureFindings(
  fields: readonly HeaderField[],
  split: SplitMessage,
  bodyEndings: LineEndingCounts,
): { findings: Finding[]; firstLineBad: boolean } {
  const out: Finding[] = []
  // The first line decides what a reader (and an mbox reader) takes the message to be: one that is
  // no header field ("From x", "From : x") must be reported, never skipped as an mbox separator.
  const first = fields[0]
  const firstLineBad = first !== undefined && (first.key === null || first.spaceBeforeColon)
  if (first && firstLineBad)
    out.push(
      finding(
        'first-line-not-header',
        `The message starts with ${quote(Buffer.from(first.raw, 'latin1').toString('utf8'), 80)}.`,
      ),
    )
  const malformed = fields.filter((f) => f.key === null && !(firstLineBad && f === first))
  if (malformed.length > 0)
    out.push(
      finding(
        'header-malformed',
        `${malformed.length} line${malformed.length === 1 ? '' : 's'} of the header block ${malformed.length === 1 ? 'is' : 'are'} not a header field, e.g. ${quote(Buffer.from((malformed[0] as HeaderField).raw, 'latin1').toString('utf8'), 80)}.`,
      ),
    )
  if (!split.separatorFound) out.push(finding('no-body-separator', 'The file ends before any blank line.'))
  const bareLf = split.headerEndings.bareLf + bodyEndings.bareLf
  if (bareLf > 0)
    out.push(
      finding(
        'line-endings-lf',
        `${bareLf} line${bareLf === 1 ? '' : 's'} end${bareLf === 1 ? 's' : ''} in a bare LF${split.headerEndings.crlf + bodyEndings.crlf > 0 ? ', others in CRLF (mixed)' : ''}.`,
      ),
    )
  return { findings: out, firstLineBad }
}

function signatureCountFindings(signatureCount: number, checkedCount: number): Finding[] {
  const out: Finding[] = []
  if (signatureCount === 0) out.push(finding('no-signature', 'The message has no DKIM-Signature field.'))
  if (signatureCount > checkedCount)
    out.push(
      finding(
        'signatures-too-many',
        `${signatureCount} signatures; the first ${checkedCount} were checked, ${signatureCount - checkedCount} were not.`,
      ),
    )
  return out
}

export interface SignatureFacts {
  states: readonly SignatureState[]
  fields: readonly HeaderField[]
  alignments: readonly Alignment[]
  dmarc: SignatureState | null
  fromDomain: string | null
  /** See MessageFacts.authorAmbiguous: why a passing signature is not aligned. */
  authorAmbiguous: boolean
  atSeconds: number
  /** How old a signature is judged against: the date the user verifies as of, else now (a
   * message judged as of its own Received time is not "old" then, but may be replayed today). */
  nowSeconds: number
  receivedAt: Date | null
  bodyContext: BodyContext
}

function label(state: SignatureState): string {
  const domain = state.parsed?.domain ?? state.failure?.domain ?? '?'
  return `#${state.index + 1} (d=${domain})`
}

export function signatureFindings(facts: SignatureFacts): Finding[] {
  const { states, dmarc } = facts
  const passing = states.filter((s) => s.result === 'pass')
  // Header coverage, judged on the signature that matters most.
  const reference = dmarc ?? passing[0] ?? states.find((s) => s.parsed && s.result !== 'permerror') ?? null
  return [
    ...states.flatMap((s) => s.findings),
    ...alignmentFindings(facts, passing),
    ...(reference ? coverageFindings(reference, facts.fields) : []),
    ...states.flatMap((state) => lengthKeyAndAgeFindings(state, facts)),
  ]
}

/** How many signatures, and which of them (if any) is aligned with From and counts for DMARC. */
function alignmentFindings(facts: SignatureFacts, passing: readonly SignatureState[]): Finding[] {
  const { states, alignments, dmarc, fromDomain } = facts
  const out: Finding[] = []
  if (states.length > 1)
    out.push(
      finding(
        'signatures-several',
        `${states.length} signatures: ${states.map((s) => `${label(s)} ${s.result}`).join(', ')}. ${
          dmarc
            ? `${label(dmarc)} counts for DMARC.`
            : 'None of them counts for DMARC (none is aligned and passing).'
        }`,
      ),
    )
  // With an ambiguous author the bad findings about From say why nothing is aligned; "signed
  // by another domain" would be wrong when the signer is the (real) From domain.
  if (passing.length > 0 && !dmarc && !facts.authorAmbiguous)
    out.push(
      finding(
        'not-aligned',
        `Valid signature${passing.length === 1 ? '' : 's'} from ${[...new Set(passing.map((s) => s.parsed?.domain))].join(', ')}; the From domain is ${fromDomain ?? 'unknown'}.`,
      ),
    )
  if (dmarc && alignments[dmarc.index] === 'relaxed')
    out.push(
      finding('aligned-relaxed', `Signed by ${dmarc.parsed?.domain}; From is in ${fromDomain}.`, dmarc.index),
    )
  return out
}

/** Which important fields the reference signature leaves unsigned, not oversigned, or let be added. */
function coverageFindings(reference: SignatureState, fields: readonly HeaderField[]): Finding[] {
  const out: Finding[] = []
  const parsed = reference.parsed
  if (parsed) {
    const signed = parsed.signedHeaders
    const counts = new Map<string, number>()
    for (const f of fields) if (f.key) counts.set(f.key, (counts.get(f.key) ?? 0) + 1)
    const count = (name: string) => counts.get(name) ?? 0
    const present = (name: string) => count(name) > 0
    const notSigned = IMPORTANT_FIELDS.filter((name) => present(name) && !signed.includes(name))
    if (notSigned.length > 0)
      out.push(
        finding(
          'header-not-signed',
          `${label(reference)} does not sign: ${notSigned.join(', ')}.`,
          reference.index,
        ),
      )
    const notOversigned = OVERSIGN_FIELDS.filter((name) => {
      const listed = signed.filter((h) => h === name).length
      return listed > 0 && listed <= count(name)
    })
    if (notOversigned.length > 0)
      out.push(
        finding(
          'header-not-oversigned',
          `${label(reference)} signs but does not oversign: ${notOversigned.join(', ')}.`,
          reference.index,
        ),
      )
    if (reference.result === 'pass') {
      for (const name of [...new Set(signed)]) {
        const instances = fields.filter((f) => f.key === name && f !== reference.field)
        const listed = signed.filter((h) => h === name).length
        if (instances.length > listed) {
          const unsigned = instances.slice(0, instances.length - listed)
          out.push(
            finding(
              'unsigned-instance-above',
              `${unsigned.length} unsigned ${display(unsigned[0] as HeaderField)} field${unsigned.length === 1 ? '' : 's'} above the signed one: ${unsigned.map((u) => quote(displayValue(u), 80)).join(', ')}.`,
              reference.index,
            ),
          )
        }
      }
    }
  }
  return out
}

/** Per signature: a body length (l=) that leaves room for content, a missing key, an old signature. */
function lengthKeyAndAgeFindings(state: SignatureState, facts: SignatureFacts): Finding[] {
  const { nowSeconds } = facts
  const out: Finding[] = []
  const p = state.parsed
  if (!p) return out
  if (p.bodyLength !== null) {
    const total = state.canonicalTotal ?? 0
    out.push(
      finding(
        'body-length-partial',
        `${label(state)} signs ${Math.min(p.bodyLength, total)} of ${total} canonical body bytes (l=${p.bodyLength}).`,
        state.index,
      ),
    )
    if (total > p.bodyLength)
      out.push(
        finding(
          'body-length-content-after',
          `${total - p.bodyLength} bytes follow the signed part of the body.`,
          state.index,
        ),
      )
    if (!p.signedHeaders.includes('content-type'))
      out.push(
        finding(
          'body-length-content-type-unsigned',
          `${label(state)} has l= and does not sign Content-Type.`,
          state.index,
        ),
      )
  }
  const lookup = state.keyLookup
  if (lookup?.kind === 'none' && lookup.from === 'key-file')
    // Only the key records the user gave were asked: nothing is known about DNS or rotation.
    out.push(
      finding('key-not-in-key-file', `The key records you gave have none for ${state.keyName}.`, state.index),
    )
  else if (lookup?.kind === 'none') {
    const sent = p.signedAt ?? (facts.receivedAt ? facts.receivedAt.getTime() / 1000 : null)
    const old = sent !== null && nowSeconds - sent > OLD_SIGNATURE_SECONDS
    out.push(
      old
        ? finding(
            'key-missing-old-mail',
            `${state.keyName} has no key now; the message is from ${new Date((sent as number) * 1000).toISOString().slice(0, 10)}.`,
            state.index,
          )
        : finding('key-missing', `${state.keyName} has no key record.`, state.index),
    )
  }
  if ((state.result === 'pass' || state.result === 'policy') && p.expiresAt === null) {
    const sent = p.signedAt ?? (facts.receivedAt ? facts.receivedAt.getTime() / 1000 : null)
    if (sent !== null && nowSeconds - sent > OLD_SIGNATURE_SECONDS)
      out.push(
        finding(
          'signature-old-no-expiry',
          `${label(state)} was made on ${new Date(sent * 1000).toISOString().slice(0, 10)} and has no x=.`,
          state.index,
        ),
      )
  }
  return out
}

/** Critical first, then warnings, then information; the order within a severity is kept. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, order) => ({ f, order }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.order - b.order)
    .map(({ f }) => f)
}
