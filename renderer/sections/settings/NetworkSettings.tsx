import { type FormEvent, useRef, useState } from 'react'
import { DEFAULT_ISPDB_URL, type Settings } from '../../../shared/contract/index.js'
import { IDLE, SaveActions, type SaveState } from '../../components/SaveStatus.js'
import { TextField } from '../../components/TextField.js'
import { useSettingsStore } from '../../stores/settings.js'
import { checkDnsServer, checkTimeout, TIMEOUT_MAX, TIMEOUT_MIN } from './validate.js'

interface Props {
  settings: Settings
}

/** The ISP database is fetched over HTTPS only, so a network attacker cannot rewrite its answers. */
function checkIspdbUrl(text: string): string | null {
  const value = text.trim()
  if (value === '') return `Enter the ISP database’s base URL, such as ${DEFAULT_ISPDB_URL}.`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `Enter a full URL starting with https://, such as ${DEFAULT_ISPDB_URL}.`
  }
  if (url.protocol !== 'https:')
    return 'The ISP database must be fetched over https:// so it cannot be tampered with.'
  return null
}

/** The length here; whether the file exists and holds a certificate, the engine says (checkCaFile). */
function checkCaFile(text: string): string | null {
  return text.trim().length > CA_FILE_MAX ? `A file path is at most ${CA_FILE_MAX} characters.` : null
}

const CA_FILE_MAX = 4096

type NetworkField = 'dns' | 'timeout' | 'caFile' | 'ispdb'

interface FieldsProps {
  values: Record<NetworkField, string>
  errors: Record<NetworkField, string | null>
  onChange(field: NetworkField, value: string): void
  onLeave(field: NetworkField): void
}

/** The four values, each with its hint and, once left, its error. */
function NetworkFields({ values, errors, onChange, onLeave }: FieldsProps) {
  return (
    <>
      <TextField
        label="DNS server"
        hint="Leave empty to use your system’s resolver. Otherwise an IP address with an optional port, such as 9.9.9.9 or [::1]:53."
        error={errors.dns}
        inputMode="url"
        verbatim
        value={values.dns}
        onChange={(value) => onChange('dns', value)}
        onBlur={() => onLeave('dns')}
      />
      <TextField
        label="Connect timeout (seconds)"
        hint="How long a probe or tunnel waits for a server before it gives up."
        error={errors.timeout}
        short
        type="number"
        min={TIMEOUT_MIN}
        max={TIMEOUT_MAX}
        step={1}
        value={values.timeout}
        onChange={(value) => onChange('timeout', value)}
        onBlur={() => onLeave('timeout')}
      />
      <TextField
        label="Extra trusted CA file"
        hint="Optional. The full path of a PEM file with your company’s or lab’s certificate authority, trusted in addition to the system’s (the command line’s --ca)."
        error={errors.caFile}
        verbatim
        maxLength={CA_FILE_MAX}
        placeholder="/etc/ssl/company-ca.pem"
        value={values.caFile}
        onChange={(value) => onChange('caFile', value)}
        onBlur={() => onLeave('caFile')}
      />
      <TextField
        label="ISP database URL"
        hint="Where the probe looks up a provider’s settings when its domain publishes none, as Thunderbird does."
        error={errors.ispdb}
        inputMode="url"
        verbatim
        value={values.ispdb}
        onChange={(value) => onChange('ispdb', value)}
        onBlur={() => onLeave('ispdb')}
      />
    </>
  )
}

/**
 * How the probe reaches servers, the same values the CLI takes as flags (--dns, --timeout, --ca)
 * so both probe alike: typed values, checked as you go and saved together.
 */
export function NetworkSettings({ settings }: Props) {
  const update = useSettingsStore((s) => s.update)
  const checkCaFileInEngine = useSettingsStore((s) => s.checkCaFile)
  const [dns, setDns] = useState(settings.dnsServer ?? '')
  const [timeout, setTimeoutText] = useState(String(settings.connectTimeoutSeconds))
  const [caFile, setCaFile] = useState(settings.extraCaFile ?? '')
  const [ispdb, setIspdb] = useState(settings.ispdbUrl)
  // Errors appear once a field was left or the form submitted, then follow each keystroke.
  const [touched, setTouched] = useState({ dns: false, timeout: false, caFile: false, ispdb: false })
  const [status, setStatus] = useState<SaveState>(IDLE)
  // The engine's verdict on the CA file, for the path it checked (a later edit makes it stale).
  const [caFileCheck, setCaFileCheck] = useState<{ path: string; problem: string | null } | null>(null)
  // Set while the pointer is down on Save: an error appearing on that blur would push the button
  // away from under the pointer and swallow the click, so submit shows the errors instead.
  const pressingSave = useRef(false)

  const leave = (field: NetworkField) => {
    if (pressingSave.current) return
    setTouched((t) => ({ ...t, [field]: true }))
    if (field === 'caFile') void engineCaFileProblem(caFile)
  }

  /** Asks the engine whether the file exists and holds a certificate; remembers the answer. */
  async function engineCaFileProblem(text: string): Promise<string | null> {
    const path = text.trim()
    if (path === '' || checkCaFile(path)) return null
    const problem = await checkCaFileInEngine(path)
    setCaFileCheck({ path, problem })
    return problem
  }

  const dnsError = touched.dns ? checkDnsServer(dns) : null
  const timeoutError = touched.timeout ? checkTimeout(timeout) : null
  const caFileError = touched.caFile
    ? (checkCaFile(caFile) ?? (caFileCheck?.path === caFile.trim() ? caFileCheck.problem : null))
    : null
  const ispdbError = touched.ispdb ? checkIspdbUrl(ispdb) : null

  const setters: Record<NetworkField, (value: string) => void> = {
    dns: setDns,
    timeout: setTimeoutText,
    caFile: setCaFile,
    ispdb: setIspdb,
  }

  function edit(apply: () => void) {
    apply()
    if (status.kind !== 'saving') setStatus(IDLE)
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    pressingSave.current = false
    // A second submit while saving is ignored rather than the button disabled, which would drop focus.
    if (status.kind === 'saving') return
    setTouched({ dns: true, timeout: true, caFile: true, ispdb: true })
    const nothingSaved: SaveState = {
      kind: 'error',
      message: 'Nothing was saved: correct the field marked above.',
    }
    if (checkDnsServer(dns) || checkTimeout(timeout) || checkCaFile(caFile) || checkIspdbUrl(ispdb)) {
      setStatus(nothingSaved)
      return
    }
    setStatus({ kind: 'saving' })
    // The engine checks the file again when it saves; asking first puts its sentence by the field.
    if (await engineCaFileProblem(caFile)) {
      setStatus(nothingSaved)
      return
    }
    const result = await update({
      dnsServer: dns.trim() === '' ? null : dns.trim(),
      connectTimeoutSeconds: Number(timeout.trim()),
      extraCaFile: caFile.trim() === '' ? null : caFile.trim(),
      ispdbUrl: ispdb.trim(),
    })
    setStatus(result.ok ? { kind: 'saved' } : { kind: 'error', message: result.message })
  }

  return (
    <section className="card" aria-labelledby="network-title">
      <h2 id="network-title">Network</h2>
      <form
        noValidate
        onSubmit={(event) => void submit(event)}
        onPointerDownCapture={(event) => {
          pressingSave.current =
            event.target instanceof Element && event.target.closest('[type=submit]') !== null
        }}
      >
        <NetworkFields
          values={{ dns, timeout, caFile, ispdb }}
          errors={{ dns: dnsError, timeout: timeoutError, caFile: caFileError, ispdb: ispdbError }}
          onChange={(field, value) => edit(() => setters[field](value))}
          onLeave={leave}
        />
        <SaveActions label="Save network settings" state={status} />
      </form>
    </section>
  )
}
