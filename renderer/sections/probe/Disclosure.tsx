import { type ReactNode, useState } from 'react'

interface Props {
  summary: ReactNode
  className?: string
  children: ReactNode
}

/**
 * A <details> whose content is rendered only once opened: a report of many endpoints stays a
 * small page (certificates, chains and capability lists are long) until the user asks for them.
 */
export function Disclosure({ summary, className = 'probe-details', children }: Props) {
  const [open, setOpen] = useState(false)
  return (
    <details className={className} open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && children}
    </details>
  )
}
