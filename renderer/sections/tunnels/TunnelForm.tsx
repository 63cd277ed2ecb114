import { type FormEvent, useState } from 'react'
import {
  STANDARD_PORTS,
  TlsSecurity,
  type TransportSecurity,
  TUNNEL_IDLE_MINUTES,
  type TunnelConfig,
  type TunnelDraft,
} from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import { MAIL_CLIENTS } from '../../../shared/knowledge/mail-clients.js'
import type { ActionResult } from '../../client.js'
import { ChoiceField } from '../../components/ChoiceField.js'
import { TextField } from '../../components/TextField.js'
import { selectMailClient, useSettingsStore } from '../../stores/settings.js'
import type { SeenCertificate } from '../../stores/tunnels.js'
import { OAuthLogin, type OAuthLoginValues } from './OAuthLogin.js'
import { PinOffer } from './PinOffer.js'
import { modeWords } from './words.js'

type Protocol = TunnelConfig['protocol']
type Mode = TunnelConfig['mode']

export interface FormValues extends OAuthLoginValues {
  name: string
  protocol: Protocol
  upstreamHost: string
  upstreamPort: string
  mode: Mode
  listenPort: string
  caFile: string
  pin: string | null
  autoStart: boolean
  allowLan: boolean
  listenHost: string
  allowedClients: string
  localTls: LocalTlsChoice
  allowLegacyLocalTls: boolean
  idleTimeoutMinutes: string
}

type LocalTlsChoice = TransportSecurity

const LOCAL_TLS_WORDS: Record<LocalTlsChoice, string> = {
  plaintext: 'None (the device cannot do TLS)',
  'implicit-tls': 'TLS from the first byte (“SSL/TLS” on the device)',
  starttls: 'STARTTLS (the device upgrades; a login before it is refused)',
}

export function valuesFrom(config: Partial<TunnelDraft> | null): FormValues {
  const protocol = config?.protocol ?? 'imap'
  const mode = config?.mode ?? 'implicit-tls'
  return {
    name: config?.name ?? '',
    protocol,
    upstreamHost: config?.upstreamHost ?? '',
    upstreamPort: String(config?.upstreamPort ?? STANDARD_PORTS[protocol][mode]),
    mode,
    listenPort: String(config?.listenPort ?? 0),
    caFile: config?.caFile ?? '',
    pin: config?.pin ?? null,
    autoStart: config?.autoStart ?? false,
    allowLan: config?.allowLan ?? false,
    listenHost: config?.listenHost ?? '127.0.0.1',
    allowedClients: (config?.allowedClients ?? []).join(', '),
    localTls: config?.localTls ?? 'plaintext',
    allowLegacyLocalTls: config?.allowLegacyLocalTls ?? false,
    idleTimeoutMinutes: String(config?.idleTimeoutMinutes ?? TUNNEL_IDLE_MINUTES.default),
    loginMode: config?.oauth ? 'oauth' : 'pass-through',
    oauthAccountId: config?.oauth?.accountId ?? '',
    oauthMechanism: config?.oauth?.mechanism ?? 'auto',
    localPassword: '',
  }
}

/** The OAuth login's fields: an account, and a local password unless one is in the keychain. */
function oauthErrors(values: FormValues, localPasswordSet: boolean): Errors {
  const errors: Errors = {}
  if (values.loginMode !== 'oauth') return errors
  if (values.oauthAccountId === '')
    errors.oauthAccountId = 'Choose the OAuth account the tunnel logs in with.'
  if (values.localPassword === '' && !localPasswordSet)
    errors.localPassword = 'Set a local password (or generate one): without it every client login is refused.'
  else if (values.localPassword !== '' && values.localPassword.length < 8)
    errors.localPassword = 'A local password has at least 8 characters.'
  return errors
}

type Errors = Partial<Record<keyof FormValues, string>>

function port(text: string, allowZero: boolean): number | null {
  if (!/^\d{1,5}$/.test(text.trim())) return null
  const n = Number(text)
  return n >= (allowZero ? 0 : 1) && n <= 65535 ? n : null
}

/** Checks the form in the UI's words; the engine checks it again with the contract's schema. */
export function draftFrom(
  values: FormValues,
  localPasswordSet = false,
): { draft: TunnelDraft } | { errors: Errors } {
  const errors: Errors = oauthErrors(values, localPasswordSet)
  const upstreamPort = port(values.upstreamPort, false)
  const listenPort = port(values.listenPort, true)
  const idle = Number(values.idleTimeoutMinutes)
  if (values.name.trim() === '') errors.name = 'Give the tunnel a name, such as “Work mail”.'
  if (!/^[A-Za-z0-9.-]{1,253}$|^[0-9a-fA-F:]+$/.test(values.upstreamHost.trim()))
    errors.upstreamHost = 'Enter the mail server’s host name, such as imap.example.org.'
  if (upstreamPort === null) errors.upstreamPort = 'A port is a number from 1 to 65535.'
  if (listenPort === null) errors.listenPort = 'A port is a number from 0 (any free port) to 65535.'
  if (!Number.isInteger(idle) || idle < TUNNEL_IDLE_MINUTES.min || idle > TUNNEL_IDLE_MINUTES.max)
    errors.idleTimeoutMinutes = `Enter whole minutes from ${TUNNEL_IDLE_MINUTES.min} to ${TUNNEL_IDLE_MINUTES.max}.`
  const allowedClients = values.allowLan
    ? values.allowedClients
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean)
    : []
  if (values.allowLan && allowedClients.length === 0)
    errors.allowedClients =
      'Name the devices allowed to connect (their IP addresses), or turn LAN access off.'
  if (Object.keys(errors).length > 0 || upstreamPort === null || listenPort === null) return { errors }
  return {
    draft: {
      name: values.name.trim(),
      protocol: values.protocol,
      upstreamHost: values.upstreamHost.trim(),
      upstreamPort,
      mode: values.mode,
      listenHost: values.allowLan ? values.listenHost.trim() : '127.0.0.1',
      listenPort,
      caFile: values.caFile.trim() === '' ? null : values.caFile.trim(),
      pin: values.pin,
      autoStart: values.autoStart,
      allowLan: values.allowLan,
      allowedClients,
      localTls: values.allowLan ? values.localTls : 'plaintext',
      allowLegacyLocalTls: values.allowLan && values.localTls !== 'plaintext' && values.allowLegacyLocalTls,
      idleTimeoutMinutes: idle,
      oauth:
        values.loginMode === 'oauth'
          ? { accountId: values.oauthAccountId, mechanism: values.oauthMechanism }
          : null,
    },
  }
}

interface Props {
  title: string
  initial: Partial<TunnelDraft> | null
  submitLabel: string
  /** localPassword: a new one to put in the keychain (OAuth login), else null. */
  onSubmit(
    draft: TunnelDraft,
    localPassword: string | null,
  ): Promise<{ ok: true } | { ok: false; message: string }>
  /** An existing OAuth tunnel already has a local password in the keychain. */
  localPasswordSet?: boolean
  onCancel(): void
  /** A certificate seen elsewhere (a probe), offered for pinning with the same consent step. */
  observed?: SeenCertificate | null
  observedBy?: string
  /** An existing tunnel: a pin (or its removal) is saved and applied at once, not at "Save". */
  applyPin?(pin: string | null): Promise<ActionResult>
}

/** Create or edit a tunnel. Pinning a key is offered only after the user has seen it. */
export function TunnelForm({
  title,
  initial,
  submitLabel,
  onSubmit,
  onCancel,
  observed,
  observedBy,
  applyPin,
  localPasswordSet = false,
}: Props) {
  const [values, setValues] = useState<FormValues>(() => valuesFrom(initial))
  const [errors, setErrors] = useState<Errors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  /** An existing tunnel's pin was just saved (or removed) and applied. */
  const [pinNote, setPinNote] = useState<string | null>(null)
  const set = (patch: Partial<FormValues>) => setValues((v) => ({ ...v, ...patch }))

  // Changing protocol or mode moves a standard port along with it; a custom port stays.
  function choose(protocol: Protocol, mode: Mode) {
    const standard = Object.values(STANDARD_PORTS).flatMap((p) => [p['implicit-tls'], p.starttls])
    const keep = !standard.includes(Number(values.upstreamPort))
    set({ protocol, mode, upstreamPort: keep ? values.upstreamPort : String(STANDARD_PORTS[protocol][mode]) })
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (busy) return
    const checked = draftFrom(values, localPasswordSet)
    if ('errors' in checked) {
      setErrors(checked.errors)
      setFailure('Nothing was saved: correct the fields marked above.')
      return
    }
    setErrors({})
    setFailure(null)
    setBusy(true)
    const result = await onSubmit(checked.draft, checked.draft.oauth ? values.localPassword || null : null)
    setBusy(false)
    if (!result.ok) setFailure(result.message)
  }

  return (
    <form
      className="card tunnel-form"
      aria-labelledby="tunnel-form-title"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id="tunnel-form-title">{title}</h2>
      <TextField label="Name" error={errors.name} value={values.name} onChange={(v) => set({ name: v })} />
      <ServerFields values={values} errors={errors} set={set} onChoose={choose} />
      <PinOffer
        server={{
          host: values.upstreamHost.trim(),
          port: Number(values.upstreamPort),
          mode: values.mode,
          protocol: values.protocol,
          caFile: values.caFile.trim() || null,
        }}
        pin={values.pin}
        observed={observed}
        observedBy={observedBy}
        onPin={async (pin) => {
          if (applyPin) {
            const result = await applyPin(pin)
            if (!result.ok) return result.message
            setPinNote(pin ? 'The pin is saved; the tunnel uses it now.' : 'The pin is removed and saved.')
          }
          set({ pin })
          return null
        }}
      />
      {pinNote && (
        <p className="field-hint" role="note">
          {pinNote}
        </p>
      )}
      <OAuthLogin values={values} errors={errors} set={set} localPasswordSet={localPasswordSet} />
      <TextField
        label="Idle timeout (minutes)"
        hint="Long enough for IMAP IDLE (29 minutes); 30 by default."
        error={errors.idleTimeoutMinutes}
        value={values.idleTimeoutMinutes}
        onChange={(v) => set({ idleTimeoutMinutes: v })}
        short
        inputMode="numeric"
      />
      <label className="choice">
        <input
          type="checkbox"
          checked={values.autoStart}
          onChange={(e) => set({ autoStart: e.target.checked })}
        />
        Start this tunnel with Mailwarden
      </label>
      <label className="choice">
        <input
          type="checkbox"
          checked={values.allowLan}
          onChange={(e) => set({ allowLan: e.target.checked })}
        />
        Let other devices on my network use it (a printer or scanner)
      </label>
      {values.allowLan && <LanAccess values={values} errors={errors} set={set} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <p role="alert" className="status-error">
        {failure}
      </p>
    </form>
  )
}

interface PartProps {
  values: FormValues
  errors: Errors
  set(patch: Partial<FormValues>): void
}

/** Where the real server is and how to reach it, and the local port the old client uses. */
function ServerFields({
  values,
  errors,
  set,
  onChoose,
}: PartProps & { onChoose(protocol: Protocol, mode: Mode): void }) {
  const words = MAIL_CLIENTS[useSettingsStore(selectMailClient)]
  return (
    <>
      <ChoiceField
        legend="Protocol"
        name="tunnel-protocol"
        options={(['imap', 'pop3', 'smtp'] as const).map((p) => ({ value: p, label: PROTOCOL_WORDS[p] }))}
        value={values.protocol}
        onChange={(p) => onChoose(p, values.mode)}
      />
      <TextField
        label="Mail server"
        hint="The real server, as your provider names it."
        error={errors.upstreamHost}
        value={values.upstreamHost}
        onChange={(v) => set({ upstreamHost: v })}
        verbatim
      />
      <ChoiceField
        legend="Encryption towards the server"
        name="tunnel-mode"
        options={TlsSecurity.options.map((m) => ({
          value: m,
          label: modeWords(m, words),
        }))}
        value={values.mode}
        onChange={(m) => onChoose(values.protocol, m)}
      />
      <TextField
        label="Server port"
        error={errors.upstreamPort}
        value={values.upstreamPort}
        onChange={(v) => set({ upstreamPort: v })}
        short
        inputMode="numeric"
      />
      <TextField
        label="Local port"
        hint="The port your old client connects to on this computer; 0 picks a free one."
        error={errors.listenPort}
        value={values.listenPort}
        onChange={(v) => set({ listenPort: v })}
        short
        inputMode="numeric"
      />
      <TextField
        label="CA file (optional)"
        hint="A PEM file of the authority that signed the server’s certificate, if it is not a public one."
        value={values.caFile}
        onChange={(v) => set({ caFile: v })}
        verbatim
      />
    </>
  )
}

/** Other devices on the network: which may connect, on which address, and TLS towards them. */
function LanAccess({ values, errors, set }: PartProps) {
  return (
    <div className="banner banner-warning">
      <p className="banner-title">
        {values.localTls === 'plaintext'
          ? 'Other devices will reach this tunnel without encryption'
          : 'Other devices will reach this tunnel'}
      </p>
      <p>
        {values.localTls === 'plaintext'
          ? 'Between them and this computer, mail and passwords travel in the clear. '
          : ''}
        Only the addresses below are accepted; use this for a device on a network you trust.
      </p>
      <TextField
        label="Listen on address"
        hint="This computer’s address on the local network, such as 192.168.1.20."
        value={values.listenHost}
        onChange={(v) => set({ listenHost: v })}
      />
      <TextField
        label="Allowed devices"
        hint="IP addresses or ranges, separated by commas (192.168.1.50, 10.0.0.0/24)."
        error={errors.allowedClients}
        value={values.allowedClients}
        onChange={(v) => set({ allowedClients: v })}
      />
      <ChoiceField
        legend="Encryption towards the device"
        name="tunnel-local-tls"
        options={(['plaintext', 'implicit-tls', 'starttls'] as const).map((m) => ({
          value: m,
          label: LOCAL_TLS_WORDS[m],
        }))}
        value={values.localTls}
        onChange={(m) => set({ localTls: m })}
      >
        {values.localTls !== 'plaintext' && (
          <p className="field-hint">
            Mailwarden makes a certificate for this tunnel when it first starts (its key stays in the
            keychain); trust it on the device by the fingerprint shown on the tunnel.
          </p>
        )}
      </ChoiceField>
      {values.localTls !== 'plaintext' && (
        <label className="choice">
          <input
            type="checkbox"
            checked={values.allowLegacyLocalTls}
            onChange={(e) => set({ allowLegacyLocalTls: e.target.checked })}
          />
          Also accept old TLS 1.0 and 1.1 from the device
        </label>
      )}
      {values.localTls !== 'plaintext' && values.allowLegacyLocalTls && (
        <p className="field-hint" role="note">
          <strong>Warning:</strong> TLS 1.0 and 1.1 are broken protocols: someone on your network may be able
          to read or change what the device sends. Use them only for a device that cannot do TLS 1.2. The
          connection to the mail server stays TLS 1.2 or newer.
        </p>
      )}
    </div>
  )
}
