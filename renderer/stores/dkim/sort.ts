// The batch table's order: by verdict (best first), From, domain or name; ties keep the name order.
import type { DkimBatchRow, DkimResult } from '../../../shared/contract/index.js'
import type { Sort, SortKey } from './state.js'

/** RFC 8601 words, best first, the order the contract's verdict uses. */
const VERDICT_RANK: Record<DkimResult, number> = {
  pass: 0,
  policy: 1,
  fail: 2,
  temperror: 3,
  permerror: 4,
  neutral: 5,
  none: 6,
}

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
        ? VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict]
        : collator.compare(sortValue(a, sort.key), sortValue(b, sort.key))
    return primary !== 0 ? sign * primary : collator.compare(a.name, b.name)
  })
}
