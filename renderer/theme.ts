// Puts the theme setting on <html data-theme>, which the stylesheet reads; "system" removes it so
// prefers-color-scheme decides.
import { useEffect } from 'react'
import { selectTheme, useSettingsStore } from './stores/settings.js'

export function useDocumentTheme(): void {
  const theme = useSettingsStore(selectTheme)
  useEffect(() => {
    const root = document.documentElement
    if (theme === 'system') delete root.dataset.theme
    else root.dataset.theme = theme
  }, [theme])
}
