import { useMemo } from 'react'
import { plural } from '../../components/plural.js'
import { type SortKey, sortRows, useDkimStore } from '../../stores/dkim/index.js'
import { breakable } from './breakable.js'
import { ResultBadge } from './ResultBadge.js'

/**
 * Rows drawn at once: a big mbox has tens of thousands, and a table that size makes the page slow
 * to scroll and to sort. The sort covers every row; only the first of them are drawn.
 */
export const TABLE_MAX_DRAWN_ROWS = 2000

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'from', label: 'From' },
  { key: 'domain', label: 'Signing domain' },
]

/** The summary of a folder or an mbox: one row per message, sortable by a button in each column header. */
export function BatchTable() {
  const rows = useDkimStore((s) => s.batch.rows)
  const sort = useDkimStore((s) => s.sort)
  const setSort = useDkimStore((s) => s.setSort)
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort])
  const drawn = sorted.length > TABLE_MAX_DRAWN_ROWS ? sorted.slice(0, TABLE_MAX_DRAWN_ROWS) : sorted
  const direction = sort.ascending ? 'ascending' : 'descending'
  const sortedBy = COLUMNS.find((c) => c.key === sort.key)?.label ?? ''

  return (
    <div className="dkim-table-scroll">
      <table className="dkim-table dkim-batch-table">
        <caption>
          {rows.length} message{rows.length === 1 ? '' : 's'}, sorted by {sortedBy.toLowerCase()} ({direction}
          ){drawn.length < sorted.length ? `; the first ${drawn.length} are shown` : ''}
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column.key} scope="col" aria-sort={sort.key === column.key ? direction : 'none'}>
                <button type="button" className="dkim-sort" onClick={() => setSort(column.key)}>
                  {column.label}
                  <span aria-hidden="true">
                    {sort.key === column.key ? (sort.ascending ? ' ▲' : ' ▼') : ''}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col">Aligned pass</th>
            <th scope="col">Findings</th>
          </tr>
        </thead>
        <tbody>
          {drawn.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: two files may share a name; the order is stable per sort.
            <tr key={`${row.name}-${index}`}>
              <th scope="row" className="dkim-row-name">
                {breakable(row.name)}
              </th>
              <td className="dkim-short">
                <ResultBadge result={row.verdict} />
              </td>
              <td className="dkim-long">{row.from ? breakable(row.from) : '—'}</td>
              <td className="dkim-long">
                {row.domains.length > 0 ? breakable(row.domains.join(', ')) : '—'}
              </td>
              <td className="dkim-short">{row.alignedPass ? 'yes' : 'no'}</td>
              <td className="dkim-short">
                {row.error ??
                  (row.findings.bad + row.findings.warn + row.findings.info === 0
                    ? 'none'
                    : `${row.findings.bad} bad, ${plural(row.findings.warn, 'warning')}, ${plural(row.findings.info, 'note')}`)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
