import { useEffect, useRef, useState } from 'react'
import type { MailClientId, ProbeReport } from '../../../shared/contract/index.js'
import {
  REPORT_FILE_TYPES,
  type ReportFormat,
  renderHtml,
  renderJson,
  renderMarkdown,
} from '../../../shared/report/index.js'

const FORMATS: { format: ReportFormat; label: string }[] = [
  { format: 'markdown', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
  { format: 'json', label: 'JSON' },
]

/** The same renderers as the CLI's; advice in the picked client's words. JSON is the whole report. */
function render(report: ProbeReport, format: ReportFormat, client: MailClientId): string {
  switch (format) {
    case 'json':
      // The whole report, saying whose words the other formats used: the picked client, not the
      // one the engine was asked for.
      return renderJson({ ...report, client }, 'full')
    case 'markdown':
      return renderMarkdown(report, { client })
    case 'html':
      return renderHtml(report, { client })
  }
}

/** "mailwarden-alice-lab.test-2026-12-01.md": the target, kept to characters every file system takes. */
export function reportFileName(report: ProbeReport, extension: string): string {
  const target = report.target.replace(/[^a-zA-Z0-9.@_-]+/g, '-').slice(0, 80) || 'report'
  return `mailwarden-${target}-${report.startedAt.slice(0, 10)}.${extension}`
}

/** Downloads the report through a Blob link: it is made here, in the page; nothing goes over the network. */
export function ExportReport({ report, client }: { report: ProbeReport; client: MailClientId }) {
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const urls = useRef<string[]>([])

  // A Blob URL holds its text in memory until revoked: let go of them when the results go.
  useEffect(
    () => () => {
      for (const url of urls.current) URL.revokeObjectURL(url)
    },
    [],
  )

  function download(format: ReportFormat, label: string) {
    const spec = REPORT_FILE_TYPES[format]
    try {
      const blob = new Blob([render(report, format, client)], { type: spec.mime })
      const url = URL.createObjectURL(blob)
      urls.current.push(url)
      const link = document.createElement('a')
      link.href = url
      link.download = reportFileName(report, spec.extension)
      link.hidden = true
      document.body.append(link)
      link.click()
      link.remove()
      setError(null)
      setSaved(`Saved the report as ${link.download}.`)
    } catch (caught) {
      setSaved(null)
      setError(
        `The ${label} report could not be made: ${caught instanceof Error ? caught.message : String(caught)}`,
      )
    }
  }

  return (
    <fieldset className="export-report">
      <legend className="export-label">Export the report</legend>
      <div className="export-buttons">
        {FORMATS.map(({ format, label }) => (
          <button key={format} type="button" className="button" onClick={() => download(format, label)}>
            {label}
          </button>
        ))}
      </div>
      <p role="status" className="status-ok small">
        {saved}
      </p>
      <p role="alert" className="status-error small">
        {error}
      </p>
    </fieldset>
  )
}
