import type { ReactNode } from 'react'
import type { SectionId } from '../sections/registry.js'
import { AppHeader } from './AppHeader.js'
import { ConnectionBanner } from './ConnectionBanner.js'
import { SectionNav } from './SectionNav.js'

interface Props {
  current: SectionId
  onSelect(section: SectionId): void
  children: ReactNode
}

/** The page's landmarks: header, the section nav, and main holding the current section. */
export function AppFrame({ current, onSelect, children }: Props) {
  return (
    <div className="app">
      <AppHeader />
      <div className="app-body">
        <SectionNav current={current} onSelect={onSelect} />
        <main className="app-main" id="main">
          <ConnectionBanner />
          {children}
        </main>
      </div>
    </div>
  )
}
