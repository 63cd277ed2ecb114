import type { ReactNode } from 'react'

interface Props {
  /** What the section will do, in a sentence or two a newcomer understands. */
  summary: ReactNode
  /** The steps it will take, as a short list. */
  steps: ReactNode[]
}

/** The empty state of a section that is not built yet: what it will do, and that it is coming. */
export function ComingSoon({ summary, steps }: Props) {
  return (
    <div className="card empty-state">
      <p className="empty-summary">{summary}</p>
      <ul className="empty-steps">
        {steps.map((step, index) => (
          // The list is fixed per section, so the position is a stable key.
          // biome-ignore lint/suspicious/noArrayIndexKey: static content
          <li key={index}>{step}</li>
        ))}
      </ul>
      <p className="empty-note">
        <span className="badge">Coming soon</span> This arrives in a coming version of Mailwarden; nothing
        here works yet.
      </p>
    </div>
  )
}
