// The report as Markdown (CommonMark + GitHub tables). Every string may come from a hostile server
// (a greeting, a certificate subject), so each is flattened to one line and its Markdown and HTML
// metacharacters are escaped: a pasted report cannot smuggle links, images or markup.
import type { ProbeReport } from '../contract/probe.js'
import { buildDocument, type Fact, type FindingBlock, type RenderOptions } from './sections.js'

/** One line of literal text: control characters to spaces, the inline metacharacters backslash-escaped
 * (every line we write starts with our own text, so line-start markers need no escaping). */
export function mdText(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .replace(/[\\`*_[\]<>#!|~&]/g, (c) => `\\${c}`)
  )
}

/** Inline code that cannot be closed early: the fence is longer than any backtick run inside. */
export function mdCode(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence} ${flat} ${fence}`
}

function fact(f: Fact): string {
  return `- **${mdText(f.label)}:** ${f.code ? mdCode(f.value) : mdText(f.value)}`
}

const MARK = { bad: 'BAD', warn: 'WARN', info: 'INFO' } as const

function finding(f: FindingBlock): string {
  return `- **${MARK[f.severity]}** ${mdText(f.title)} (${mdCode(f.id)})  \n  ${mdText(f.detail)}  \n  *What to do:* ${mdText(f.fix)}`
}

export function renderMarkdown(report: ProbeReport, options: RenderOptions = {}): string {
  const doc = buildDocument(report, options)
  const out: string[] = [`# ${mdText(doc.title)}`, '', ...doc.summary.map(fact), '']
  out.push(`| ${doc.table.headers.map(mdText).join(' | ')} |`)
  out.push(`|${doc.table.headers.map(() => ' --- ').join('|')}|`)
  for (const row of doc.table.rows) out.push(`| ${row.map(mdText).join(' | ')} |`)
  out.push('')
  for (const e of doc.endpoints) {
    out.push(`## ${mdText(e.heading)}`, '', ...e.facts.map(fact), '')
    if (e.findings.length > 0) out.push('### Findings', '', ...e.findings.map(finding), '')
    out.push(`### ${mdText(e.advice.heading)}`, '', ...e.advice.sentences.map((s) => mdText(s)), '')
    if (e.advice.config.length > 0)
      out.push('```', ...e.advice.config.map((c) => c.replace(/`/g, "'")), '```', '')
    if (e.notes.length > 0) out.push(...e.notes.map((n) => `- ${mdText(n)}`), '')
  }
  for (const d of doc.domains) {
    out.push(`## ${mdText(d.heading)}`, '', ...d.facts.map(fact), '')
    if (d.findings.length > 0) out.push(...d.findings.map(finding), '')
  }
  out.push(`## ${mdText(doc.client.heading)}`, '')
  out.push(
    ...doc.client.avoid.map((a) => `- ${mdText(a)}`),
    ...doc.client.notes.map((n) => `- ${mdText(n)}`),
    '',
  )
  out.push(`*${mdText(doc.client.wording)}*`, '')
  if (doc.notes.length > 0) out.push('## Notes', '', ...doc.notes.map((n) => `- ${mdText(n)}`), '')
  out.push(`## ${mdText(doc.words.title)}`, '', ...doc.words.paragraphs.flatMap((p) => [mdText(p), '']))
  return `${out.join('\n').trimEnd()}\n`
}
