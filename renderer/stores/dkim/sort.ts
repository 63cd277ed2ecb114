// The batch table's order: by verdict (best first), From, domain or name; ties keep the name order.
import { DKIM_RESULT_ORDER, type DkimBatchRow, type DkimResult } from '../../../shared/contract/index.js'
import type { Sort, SortKey } from './state.js'

const rank = (result: DkimResult) => DKIM_RESULT_ORDER.indexOf(result)

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

function sortValue(row: DkimBatchRow, key: SortKey): string {
  if (key === 'from') return row.from ?? ''
  if (key === 'domain') return row.domains[0] ?? ''
  return row.name
}

/** Rows in the chosen order; ties keep the name order so the table does not shuffle. */
export function sortRows(rows: DkimBatchRow[], sort: Sort): DkimBatchRow[] {
  const sign = sort.ascending ? 1 : -1
  return [...rows].sort((a, b) => {
    const primary =
      sort.key === 'verdict'
        ? rank(a.verdict) - rank(b.verdict)
        : collator.compare(sortValue(a, sort.key), sortValue(b, sort.key))
    return primary !== 0 ? sign * primary : collator.compare(a.name, b.name)
  })
}
