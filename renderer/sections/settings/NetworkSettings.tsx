import { type FormEvent, useRef, useState } from 'react'
import type { Settings } from '../../../shared/contract/index.js'
import { Field } from '../../components/Field.js'
import { IDLE, type SaveState, SaveStatus } from '../../components/SaveStatus.js'
import { useSettingsStore } from '../../stores/settings.js'
import { checkDnsServer, checkTimeout, TIMEOUT_MAX, TIMEOUT_MIN } from './validate.js'

interface Props {
  settings: Settings
}

/** DNS server and connect timeout: typed values, checked as you go and saved together. */
export function NetworkSettings({ settings }: Props) {
  const update = useSettingsStore((s) => s.update)
  const [dns, setDns] = useState(settings.dnsServer ?? '')
  const [timeout, setTimeoutText] = useState(String(settings.connectTimeoutSeconds))
  // Errors appear once a field was left or the form submitted, then follow each keystroke.
  const [touched, setTouched] = useState({ dns: false, timeout: false })
  const [status, setStatus] = useState<SaveState>(IDLE)
  // Set while the pointer is down on Save: an error appearing on that blur would push the button
  // away from under the pointer and swallow the click, so submit shows the errors instead.
  const pressingSave = useRef(false)

  const leave = (field: 'dns' | 'timeout') => {
    if (!pressingSave.current) setTouched((t) => ({ ...t, [field]: true }))
  }

  const dnsError = touched.dns ? checkDnsServer(dns) : null
  const timeoutError = touched.timeout ? checkTimeout(timeout) : null

  function edit(apply: () => void) {
    apply()
    if (status.kind !== 'saving') setStatus(IDLE)
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    pressingSave.current = false
    // A second submit while saving is ignored rather than the button disabled, which would drop focus.
    if (status.kind === 'saving') return
    setTouched({ dns: true, timeout: true })
    if (checkDnsServer(dns) || checkTimeout(timeout)) {
      setStatus({ kind: 'error', message: 'Nothing was saved: correct the field marked above.' })
      return
    }
    setStatus({ kind: 'saving' })
    const result = await update({
      dnsServer: dns.trim() === '' ? null : dns.trim(),
      connectTimeoutSeconds: Number(timeout.trim()),
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
        <Field
          label="DNS server"
          hint="Leave empty to use your system’s resolver. Otherwise an IP address with an optional port, such as 9.9.9.9 or [::1]:53."
          error={dnsError}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              value={dns}
              onChange={(event) => edit(() => setDns(event.target.value))}
              onBlur={() => leave('dns')}
            />
          )}
        </Field>
        <Field
          label="Connect timeout (seconds)"
          hint="How long a probe or tunnel waits for a server before it gives up."
          error={timeoutError}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className="input-short"
              type="number"
              min={TIMEOUT_MIN}
              max={TIMEOUT_MAX}
              step={1}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              value={timeout}
              onChange={(event) => edit(() => setTimeoutText(event.target.value))}
              onBlur={() => leave('timeout')}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            Save network settings
          </button>
          <SaveStatus state={status} />
        </div>
      </form>
    </section>
  )
}
