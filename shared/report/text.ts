// The report as plain text for a terminal: one table row per endpoint, then each endpoint's
// findings with their fixes and the advice for the chosen client. Server text is flattened to one
// line and stripped of control characters, so a hostile greeting cannot move the cursor or recolour
// the terminal (escape sequences).
import type { ProbeReport } from '../contract/probe.js'
import { buildDocument, type FindingBlock, type RenderOptions } from './sections.js'

export function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
}

/** Columns padded to their widest cell; long cells are kept whole (the terminal wraps). */
export function table(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows].map((r) => r.map(plain))
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  return all
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n')
}

const MARK = { bad: 'BAD ', warn: 'WARN', info: 'INFO' } as const

/** An endpoint's or a domain's finding alike: title and id, what it means, what to do. */
function findingLines(f: FindingBlock): string[] {
  return [
    `  ${MARK[f.severity]} ${plain(f.title)} [${plain(f.id)}]`,
    `       ${plain(f.detail)}`,
    `       Fix: ${plain(f.fix)}`,
  ]
}

export function renderText(report: ProbeReport, options: RenderOptions = {}): string {
  const doc = buildDocument(report, options)
  const out: string[] = [plain(doc.title), '', table(doc.table.headers, doc.table.rows)]
  // Which trust store said "trusted" or "NOT trusted" (the OS's, or Node's bundled roots).
  out.push('', `Certificates checked against ${plain(report.trustedAgainst)}.`)
  for (const e of doc.endpoints) {
    out.push('', plain(e.heading))
    for (const f of e.findings) out.push(...findingLines(f))
    for (const s of e.advice.sentences) out.push(`  → ${plain(s)}`)
    for (const c of e.advice.config) out.push(`      ${plain(c)}`)
    for (const n of e.notes) out.push(`  Note: ${plain(n)}`)
  }
  for (const d of doc.domains) {
    out.push('', plain(d.heading))
    for (const f of d.facts) out.push(`  ${plain(f.label)}: ${plain(f.value)}`)
    for (const f of d.findings) out.push(...findingLines(f))
  }
  out.push('', plain(doc.client.heading))
  for (const a of doc.client.avoid) out.push(`  - ${plain(a)}`)
  for (const n of doc.client.notes) out.push(`  - ${plain(n)}`)
  out.push(`  (${plain(doc.client.wording)})`)
  for (const n of doc.notes) out.push('', `Note: ${plain(n)}`)
  const verdict = doc.summary.find((f) => f.label === 'Verdict')?.value ?? ''
  out.push(
    '',
    `Verdict: ${verdict}. ${report.endpoints.length} endpoint(s) in ${Math.round(report.durationMs)} ms.`,
  )
  return out.join('\n')
}
