import type { ReactNode } from 'react'

interface Props {
  title: string
  children: ReactNode
}

/** One section of main: its heading, then its content. */
export function Section({ title, children }: Props) {
  return (
    <section className="section" aria-labelledby="section-title">
      <h1 id="section-title" className="section-title">
        {title}
      </h1>
      {children}
    </section>
  )
}
