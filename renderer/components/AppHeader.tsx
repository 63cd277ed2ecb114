import icon from '../../assets/icon.svg'
import { selectInfo, useAppStore } from '../stores/app.js'

export function AppHeader() {
  const info = useAppStore(selectInfo)
  return (
    <header className="app-header">
      <img className="app-logo" src={icon} alt="" width="28" height="28" />
      <span className="app-name">Mailwarden</span>
      {info && <span className="app-version">version {info.version}</span>}
    </header>
  )
}
