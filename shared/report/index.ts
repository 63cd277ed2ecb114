// Rendering a probe report: pure functions used by the CLI and the UI's exports.
export { renderHtml } from './html.js'
export { type JsonShape, renderJson, reportObject } from './json.js'
export { renderMarkdown } from './markdown.js'
export { buildDocument, type RenderOptions, type ReportDocument } from './sections.js'
export { renderText } from './text.js'

export type ReportFormat = 'markdown' | 'html' | 'json'

export const REPORT_FILE_TYPES: Record<ReportFormat, { extension: string; mime: string }> = {
  markdown: { extension: 'md', mime: 'text/markdown;charset=utf-8' },
  html: { extension: 'html', mime: 'text/html;charset=utf-8' },
  json: { extension: 'json', mime: 'application/json' },
}
