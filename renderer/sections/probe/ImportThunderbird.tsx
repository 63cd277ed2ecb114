import { type ChangeEvent, useId, useState } from 'react'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import { type AuditEntry, PREFS_TEXT_MAX } from '../../../shared/contract/probe-accounts.js'
import { plural } from '../../components/plural.js'
import { type ImportResult, useAccountsStore } from '../../stores/accounts.js'
import { Severity, Verdict } from './Verdict.js'
import { SECURITY_NAMES } from './words.js'

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <li className="finding">
      <p className="finding-title">
        {entry.status === 'unchecked' ? (
          <span className="verdict verdict-none">Not checked</span>
        ) : (
          <Verdict verdict={entry.status} />
        )}{' '}
        {PROTOCOL_WORDS[entry.protocol]} {entry.host}:{entry.port}, set to “{entry.label}”
        {entry.found && <> — the server offers {SECURITY_NAMES[entry.found]}</>}
      </p>
      {entry.problems.map((problem) => (
        <p key={problem.id}>
          <Severity severity={problem.severity} /> {problem.title}: {problem.detail} {problem.fix}
        </p>
      ))}
      {entry.advice && (
        <p>
          <span className="finding-label">What to set instead: </span>
          {entry.advice}
        </p>
      )}
    </li>
  )
}

/** Reads a Thunderbird profile's prefs.js in the page and sends its text to the engine, which audits it. */
export function ImportThunderbird() {
  const importPrefs = useAccountsStore((s) => s.importThunderbird)
  const id = useId()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<ImportResult | null>(null)

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget
    const file = input.files?.[0]
    if (!file || busy) return
    setError(null)
    setResult(null)
    // Refused before reading: a wrong file (a mailbox, a disk image) must not be read into the page.
    if (file.size > PREFS_TEXT_MAX) {
      setError(
        `${file.name} is ${Math.round(file.size / 1024)} KB; a prefs.js is much smaller. Choose the prefs.js of your Thunderbird profile.`,
      )
      input.value = ''
      return
    }
    setBusy(true)
    try {
      const outcome = await importPrefs(await file.text())
      if (outcome.ok) setResult(outcome.result)
      else setError(outcome.message)
    } catch (caught) {
      setError(`${file.name} could not be read: ${caught instanceof Error ? caught.message : String(caught)}`)
    } finally {
      setBusy(false)
      // The same file may be chosen again after editing it.
      input.value = ''
    }
  }

  return (
    <div className="subsection">
      <h3>Import from Thunderbird</h3>
      <p className="field-hint" id={`${id}-hint`}>
        Choose the prefs.js file of your Thunderbird profile (Help → Troubleshooting Information → Profile
        Folder). Mailwarden reads its server settings, checks each server, and says which setting to change.
        Nothing is sent anywhere else.
      </p>
      <label className="field-label" htmlFor={id}>
        Thunderbird prefs.js
      </label>
      <input
        id={id}
        type="file"
        accept=".js,text/javascript,text/plain"
        aria-describedby={`${id}-hint`}
        onChange={(e) => void pick(e)}
      />
      <p role="status" className="muted small">
        {busy && 'Reading the settings and checking each server…'}
        {result &&
          `Found ${plural(result.servers.length, 'server')}; ${plural(result.audit.filter((a) => a.status === 'warn' || a.status === 'bad').length, 'setting')} to change.`}
      </p>
      {error && (
        <p className="status-error" role="alert">
          {error}
        </p>
      )}
      {result && result.warnings.length > 0 && (
        <ul className="probe-notes small">
          {result.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {result && result.audit.length > 0 && (
        <ul className="findings" aria-label="Thunderbird settings checked">
          {result.audit.map((entry) => (
            <AuditRow key={entry.key} entry={entry} />
          ))}
        </ul>
      )}
    </div>
  )
}
