import { type ComponentType, useEffect } from 'react'
import { AppFrame } from './components/AppFrame.js'
import { ActivitySection } from './sections/ActivitySection.js'
import { DkimSection } from './sections/DkimSection.js'
import { DomainSection } from './sections/DomainSection.js'
import { ProbeSection } from './sections/ProbeSection.js'
import type { SectionId } from './sections/registry.js'
import { SettingsSection } from './sections/SettingsSection.js'
import { TunnelsSection } from './sections/TunnelsSection.js'
import { carriesFiles, openDroppedFiles } from './stores/dropped-files.js'
import { selectSection, useNavigationStore } from './stores/navigation.js'
import { useDocumentTheme } from './theme.js'

const VIEWS: Record<SectionId, ComponentType> = {
  probe: ProbeSection,
  dkim: DkimSection,
  domain: DomainSection,
  tunnels: TunnelsSection,
  settings: SettingsSection,
  activity: ActivitySection,
}

/** A file dropped anywhere on the window that the DKIM drop zone did not take (it prevents the
 * default) opens as a message from here. */
function useDropAnywhere(): void {
  useEffect(() => {
    const onDragOver = (event: DragEvent) => {
      if (carriesFiles(Array.from(event.dataTransfer?.types ?? []))) event.preventDefault()
    }
    const onDrop = (event: DragEvent) => {
      if (event.defaultPrevented) return
      event.preventDefault()
      void openDroppedFiles(Array.from(event.dataTransfer?.files ?? []))
    }
    document.addEventListener('dragover', onDragOver)
    document.addEventListener('drop', onDrop)
    return () => {
      document.removeEventListener('dragover', onDragOver)
      document.removeEventListener('drop', onDrop)
    }
  }, [])
}

export function App() {
  const section = useNavigationStore(selectSection)
  const setSection = useNavigationStore((s) => s.go)
  useDocumentTheme()
  const View = VIEWS[section]
  useDropAnywhere()
  return (
    <AppFrame current={section} onSelect={setSection}>
      <View />
    </AppFrame>
  )
}
