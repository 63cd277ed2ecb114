// A message's result as `mailwarden dkim verify` prints it: its JSON (`jsonShape`, the one-message
// `--json` and each `--json-lines` row), the one text row of a message among many, and every value
// from a message made safe for a terminal (`shown`). Rows of many messages are made in the verifier
// thread that verified them: only a line of text crosses to the main thread, not the report.
import type { DkimReport } from '../../../shared/contract/dkim.js'
import { DKIM_FINDINGS } from '../../../shared/knowledge/dkim-findings.js'
import type { ArchiveReport } from './report.js'
import type { ArchiveItem } from './sources.js'

// Terminal output must not let a message's bytes move the cursor, recolour or reorder text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is escaped
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** A value from the message, safe to print: control, C1 and bidi characters shown as \u{...}. */
export function shown(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`)
}

/** What the findings table says a finding means and what to do (the page shows both). */
export function findingAdvice(id: string): { explain: string; advice: string } | Record<string, never> {
  if (!Object.hasOwn(DKIM_FINDINGS, id)) return {}
  const { explain, advice } = DKIM_FINDINGS[id as keyof typeof DKIM_FINDINGS]
  return { explain, advice }
}

/**
 * The JSON of one message: what `formatReport` prints, as data (the fields of the first version
 * first, so scripts written against them keep working). A one-message report also carries each
 * signature's steps that did not pass; an archive's lighter report has none to carry.
 */
export function jsonShape(report: ArchiveReport | DkimReport) {
  return {
    signatures: report.signatures.map((s) => ({
      domain: s.domain,
      selector: s.selector,
      algorithm: s.algorithm,
      canonicalization: s.canonicalization,
      result: s.result,
      reason: s.reason,
      keyBits: s.keyBits,
      bodyLength: s.bodyLength,
      signedHeaders: s.signedHeaders,
      aligned: s.aligned,
      testing: s.testing,
      alignment: s.alignment,
      countsForDmarc: s.countsForDmarc,
      identity: s.identity,
      signedAt: s.signedAt,
      expiresAt: s.expiresAt,
      body: { signedBytes: s.body.signedBytes, totalBytes: s.body.totalBytes, matches: s.body.matches },
      keySource: s.keySource,
      ...('steps' in s
        ? {
            stepsNotOk: s.steps
              .filter((step) => step.status !== 'ok')
              .map(({ name, status, sentence }) => ({ name, status, sentence })),
          }
        : {}),
    })),
    findings: report.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      title: f.title,
      detail: f.detail,
      signature: f.signature,
      ...findingAdvice(f.id),
    })),
    from: report.from,
    verdict: report.verdict,
    alignedPass: report.alignedPass,
    fromDomain: report.fromDomain,
    dmarcSignature: report.dmarcSignature,
    alignmentBasis: report.alignmentBasis,
    receivedResults: report.receivedResults,
    verifiedAt: report.verifiedAt,
    verifiedAtSource: report.verifiedAtSource,
    lineEndings: report.lineEndings,
  }
}

/** How the rows of many messages are printed: a JSON line each, or a line of text. */
export type PrintStyle = 'json' | 'text'

/** One message's row: where it is (the path, and for an mbox message its offset), then its JSON. */
export function jsonRow(item: ArchiveItem, report: ArchiveReport | null, error: string | null): string {
  const where = item.kind === 'mbox' ? { path: item.path, offset: item.offset } : { path: item.path }
  return JSON.stringify(report ? { ...where, ...jsonShape(report) } : { ...where, error })
}

/** One message's line of text: its result, where it is, each signature's domain and result. */
export function textRow(label: string, report: ArchiveReport | null, error: string | null): string {
  if (!report) return `error     ${shown(label)}: ${shown(error ?? 'unusable')}`
  const bad = report.findings.filter((f) => f.severity === 'bad').length
  const domains = report.signatures.map((s) => `${shown(s.domain)}=${s.result}`).join(' ')
  const mark = report.alignedPass ? 'pass' : report.verdict
  return `${mark.padEnd(9)} ${shown(label)}  ${domains || '(unsigned)'}${bad ? `  ${bad} bad` : ''}`
}

/** The row of a message in the chosen style. */
export function printedRow(
  style: PrintStyle,
  item: ArchiveItem,
  label: string,
  report: ArchiveReport | null,
  error: string | null,
): string {
  return style === 'json' ? jsonRow(item, report, error) : textRow(label, report, error)
}
