// The report as one self-contained HTML file: inline styles, no script, no external resource, and
// a Content-Security-Policy that forbids both, so opening an exported report runs nothing. Every
// string is escaped: server text (greetings, certificate names) is shown, never interpreted.
import { SEVERITY_WORDS } from '../contract/mail.js'
import type { ProbeReport } from '../contract/probe.js'
import { buildDocument, type Fact, type FindingBlock, type RenderOptions } from './sections.js'

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (but tab and newline) are dropped
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

export function escapeHtml(text: string): string {
  return text.replace(CONTROL, '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}h3{font-size:1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
code,pre{font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:anywhere;white-space:pre-wrap}
.bad{color:#8b0000}.warn{color:#7a4b00}.info{color:#1f4e79}.good{color:#1e5e2a}
li{margin-bottom:.5rem}`

function dl(facts: Fact[]): string {
  const rows = facts.map(
    (f) =>
      `<dt>${escapeHtml(f.label)}</dt><dd>${f.code ? `<code>${escapeHtml(f.value)}</code>` : escapeHtml(f.value)}</dd>`,
  )
  return `<dl>${rows.join('')}</dl>`
}

function findings(list: FindingBlock[]): string {
  if (list.length === 0) return ''
  const items = list.map(
    (f) =>
      `<li><strong class="${f.severity}">${SEVERITY_WORDS[f.severity]}:</strong> ${escapeHtml(f.title)} <code>${escapeHtml(f.id)}</code><br>${escapeHtml(f.detail)}<br><em>What to do:</em> ${escapeHtml(f.fix)}</li>`,
  )
  return `<h3>Findings</h3><ul>${items.join('')}</ul>`
}

export function renderHtml(report: ProbeReport, options: RenderOptions = {}): string {
  const doc = buildDocument(report, options)
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(doc.title)}</h1>`,
    dl(doc.summary),
    '<table><thead><tr>',
    ...doc.table.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`),
    '</tr></thead><tbody>',
    ...doc.table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ]
  for (const e of doc.endpoints) {
    parts.push(
      `<section><h2 class="${e.verdict}">${escapeHtml(e.heading)}</h2>`,
      dl(e.facts),
      findings(e.findings),
    )
    parts.push(
      `<h3>${escapeHtml(e.advice.heading)}</h3>`,
      ...e.advice.sentences.map((s) => `<p>${escapeHtml(s)}</p>`),
    )
    if (e.advice.config.length > 0) parts.push(`<pre>${escapeHtml(e.advice.config.join('\n'))}</pre>`)
    if (e.notes.length > 0) parts.push(`<ul>${e.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`)
    parts.push('</section>')
  }
  for (const d of doc.domains)
    parts.push(`<section><h2>${escapeHtml(d.heading)}</h2>`, dl(d.facts), findings(d.findings), '</section>')
  parts.push(
    `<section><h2>${escapeHtml(doc.client.heading)}</h2><ul>`,
    ...[...doc.client.avoid, ...doc.client.notes].map((n) => `<li>${escapeHtml(n)}</li>`),
    `</ul><p><em>${escapeHtml(doc.client.wording)}</em></p></section>`,
  )
  if (doc.notes.length > 0)
    parts.push(
      `<section><h2>Notes</h2><ul>${doc.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`,
    )
  parts.push(
    `<section><h2>${escapeHtml(doc.words.title)}</h2>`,
    ...doc.words.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
  )
  parts.push('</section></main></body></html>')
  return `${parts.join('\n')}\n`
}
