// A finding's words as the tables hold them (severity, title, what it means, what to do) with
// `{name}` marks, and the one way to fill them: the marks may carry a server's or a zone's text,
// so every filled part is cut to the contract's bounds.
import { FINDING_TEXT_MAX, type Severity } from '../contract/mail.js'

export interface FindingText {
  severity: Severity
  title: string
  detail: string
  fix: string
}

export type FindingVars = Readonly<Record<string, string | number>>

function fill(text: string, vars: FindingVars): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole))
}

/** The table's entry for `id` with its marks filled from `vars`. */
export function fillFinding<Id extends string>(
  id: Id,
  entry: FindingText,
  vars: FindingVars = {},
): FindingText & { id: Id } {
  return {
    id,
    severity: entry.severity,
    title: fill(entry.title, vars).slice(0, FINDING_TEXT_MAX.title),
    detail: fill(entry.detail, vars).slice(0, FINDING_TEXT_MAX.detail),
    fix: fill(entry.fix, vars).slice(0, FINDING_TEXT_MAX.fix),
  }
}
