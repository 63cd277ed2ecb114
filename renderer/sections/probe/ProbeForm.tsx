import { type FormEvent, useId, useState } from 'react'
import { type MailProtocol, STANDARD_PORTS } from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import {
  type ClientServerSetting,
  PROBE_TARGET_TEXT_MAX,
  PROBE_TARGETS_MAX,
} from '../../../shared/contract/probe-target.js'
import { MAIL_CLIENTS } from '../../../shared/knowledge/mail-clients.js'
import { Field } from '../../components/Field.js'
import { MailClientSelect } from '../../components/MailClientSelect.js'
import { isRunning, selectProbeStatus, useProbeStore } from '../../stores/probe.js'
import { type AdvancedSettings, useProbeFormStore } from '../../stores/probe-form.js'
import { selectMailClient, useSettingsStore } from '../../stores/settings.js'

type Advanced = AdvancedSettings

/** Several targets may be typed at once, separated by spaces or commas. */
function splitTargets(text: string): string[] {
  return text.split(/[\s,;]+/).filter((part) => part !== '')
}

function checkTargets(targets: string[], hasServer: boolean): string | null {
  if (targets.length === 0 && !hasServer) {
    return 'Type an email address, a domain, a server name or server:port, or fill in the settings under Advanced.'
  }
  if (targets.length > PROBE_TARGETS_MAX) return `Give at most ${PROBE_TARGETS_MAX} at once.`
  const long = targets.find((t) => t.length > PROBE_TARGET_TEXT_MAX)
  if (long) return `“${long.slice(0, 40)}…” is longer than ${PROBE_TARGET_TEXT_MAX} characters.`
  return null
}

/** null when the advanced settings are left empty; a sentence when they are incomplete. */
function checkAdvanced(advanced: Advanced): { server: ClientServerSetting | null; error: string | null } {
  const host = advanced.host.trim()
  const security = advanced.security.trim()
  if (host === '' && security === '') return { server: null, error: null }
  if (host === '' || /[\s/]/.test(host))
    return { server: null, error: 'Enter the server name as your client shows it.' }
  const port = Number(advanced.port.trim())
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { server: null, error: 'Enter the port as a number from 1 to 65535.' }
  }
  if (security === '') {
    return { server: null, error: 'Enter the connection security your client is set to, in its own words.' }
  }
  return {
    server: { protocol: advanced.protocol, host, port, security, client: advanced.client },
    error: null,
  }
}

/** The one field (and, behind Advanced, a client's explicit settings), Start and Cancel. */
export function ProbeForm() {
  const status = useProbeStore(selectProbeStatus)
  const start = useProbeStore((s) => s.start)
  const cancel = useProbeStore((s) => s.cancel)
  const settingsClient = useSettingsStore(selectMailClient)
  // Kept in a store: leaving the page and coming back finds the form as it was left.
  const { text, showAdvanced, advanced, setText, setShowAdvanced, setAdvanced, setAdviceClient } =
    useProbeFormStore()
  const [error, setError] = useState<string | null>(null)
  const [advancedError, setAdvancedError] = useState<string | null>(null)
  const advancedId = useId()
  const running = isRunning(status)
  const shown: Advanced = advanced ?? {
    protocol: 'imap',
    host: '',
    port: String(STANDARD_PORTS.imap['implicit-tls']),
    security: '',
    client: settingsClient,
  }
  const edit = (patch: Partial<Advanced>) => setAdvanced({ ...shown, ...patch })

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    // A second Start while a probe runs is ignored rather than the button disabled, which would drop focus.
    if (running) return
    const targets = splitTargets(text)
    const { server, error: serverError } = showAdvanced ? checkAdvanced(shown) : { server: null, error: null }
    setAdvancedError(serverError)
    const targetError = serverError ? null : checkTargets(targets, server !== null)
    setError(targetError)
    if (serverError || targetError) return
    const asked = [...targets, ...(server ? [`${server.host}:${server.port}`] : [])].join(', ')
    // Settings copied from one client are best explained back in that client's words.
    if (server?.client) setAdviceClient(server.client)
    const result = await start({ targets, servers: server ? [server] : [] }, asked)
    if (!result.ok) setError(result.message)
  }

  return (
    <form
      className="card probe-form"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="Probe a mail account"
    >
      <Field
        label="Address or server"
        hint="An email address (alice@example.org), a domain, a server name, or server:port. Mailwarden finds the servers and checks each one."
        error={error}
      >
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="text"
            inputMode="email"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        )}
      </Field>
      <button
        type="button"
        className="button button-link"
        aria-expanded={showAdvanced}
        aria-controls={advancedId}
        onClick={() => setShowAdvanced(!showAdvanced)}
      >
        Advanced: the settings your mail client shows
      </button>
      <AdvancedFields
        groupId={advancedId}
        hidden={!showAdvanced}
        shown={shown}
        edit={edit}
        error={advancedError}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" aria-disabled={running || undefined}>
          Start probe
        </button>
        {running && (
          <button type="button" className="button" onClick={() => void cancel()}>
            Cancel probe
          </button>
        )}
      </div>
    </form>
  )
}

interface AdvancedProps {
  groupId: string
  hidden: boolean
  shown: Advanced
  edit(patch: Partial<Advanced>): void
  error: string | null
}

/** Behind Advanced: the server settings a mail client shows, copied to be checked as they are. */
function AdvancedFields({ groupId, hidden, shown, edit, error }: AdvancedProps) {
  return (
    <fieldset id={groupId} className="probe-advanced" hidden={hidden}>
      <legend className="visually-hidden">The settings your mail client shows</legend>
      <p className="field-hint">
        To check what your client is set to, copy its server settings here. Leave them empty to let Mailwarden
        find the servers.
      </p>
      <div className="probe-advanced-grid">
        <Field label="Protocol">
          {({ id }) => (
            <select
              id={id}
              value={shown.protocol}
              onChange={(event) => {
                const protocol = event.target.value as MailProtocol
                edit({ protocol, port: String(STANDARD_PORTS[protocol]['implicit-tls']) })
              }}
            >
              {(Object.keys(PROTOCOL_WORDS) as MailProtocol[]).map((p) => (
                <option key={p} value={p}>
                  {PROTOCOL_WORDS[p]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Server">
          {({ id }) => (
            <input
              id={id}
              type="text"
              autoComplete="off"
              spellCheck={false}
              maxLength={253}
              value={shown.host}
              onChange={(event) => edit({ host: event.target.value })}
            />
          )}
        </Field>
        <Field label="Port">
          {({ id }) => (
            <input
              id={id}
              className="input-short"
              type="number"
              min={1}
              max={65535}
              value={shown.port}
              onChange={(event) => edit({ port: event.target.value })}
            />
          )}
        </Field>
        <MailClientSelect
          label="Your mail client"
          value={shown.client}
          onChange={(client) => edit({ client })}
        />
      </div>
      <Field
        label="Connection security"
        hint={`As ${MAIL_CLIENTS[shown.client].name} names it, e.g. “${MAIL_CLIENTS[shown.client].implicitTls}”, “${MAIL_CLIENTS[shown.client].startTls}” or “${MAIL_CLIENTS[shown.client].none}”.`}
        error={error}
      >
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="text"
            autoComplete="off"
            maxLength={80}
            list={`${groupId}-labels`}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            value={shown.security}
            onChange={(event) => edit({ security: event.target.value })}
          />
        )}
      </Field>
      <datalist id={`${groupId}-labels`}>
        {[...new Set(Object.values(MAIL_CLIENTS).flatMap((w) => [w.implicitTls, w.startTls, w.none]))].map(
          (label) => (
            <option key={label} value={label} />
          ),
        )}
      </datalist>
    </fieldset>
  )
}
