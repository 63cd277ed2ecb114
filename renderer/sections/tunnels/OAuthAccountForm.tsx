import { type FormEvent, useState } from 'react'
import {
  OAuthAccount,
  type OAuthAccountState,
  type OAuthProviderId,
  type OAuthProviderInfo,
  SECRET_VALUE_MAX,
} from '../../../shared/contract/index.js'
import { Field } from '../../components/Field.js'
import { PasswordField } from '../../components/PasswordField.js'
import { TextField } from '../../components/TextField.js'
import { accountIdFor, useOAuthStore } from '../../stores/oauth.js'

interface Values {
  provider: OAuthProviderId
  address: string
  clientId: string
  tenant: string
  issuer: string
  scopes: string
  clientSecret: string
}

type Errors = Partial<Record<keyof Values, string>>

function valuesFrom(state: OAuthAccountState | null): Values {
  const a = state?.account
  return {
    provider: a?.provider ?? 'microsoft',
    address: a?.address ?? '',
    clientId: a?.clientId ?? '',
    tenant: a?.tenant ?? '',
    issuer: a?.issuer ?? '',
    scopes: (a?.scopes ?? []).join(' '),
    clientSecret: '',
  }
}

/** The account as the contract takes it, or the fields' errors in the UI's words. */
export function accountFrom(values: Values, id: string): { account: OAuthAccount } | { errors: Errors } {
  const custom = values.provider === 'custom'
  const scopes = values.scopes.split(/\s+/).filter(Boolean)
  const parsed = OAuthAccount.safeParse({
    id,
    provider: values.provider,
    address: values.address,
    clientId: values.clientId,
    tenant: values.provider === 'microsoft' && values.tenant.trim() ? values.tenant.trim() : null,
    issuer: custom && values.issuer.trim() ? values.issuer.trim() : null,
    scopes: custom && scopes.length > 0 ? scopes : null,
  })
  if (parsed.success) return { account: parsed.data }
  const errors: Errors = {}
  for (const issue of parsed.error.issues) {
    const key = issue.path[0]
    if (key === 'address')
      errors.address = 'Enter the mail address of the mailbox, such as alice@example.com.'
    else if (key === 'clientId') errors.clientId = 'Enter the client id of the app registration.'
    else if (key === 'tenant') errors.tenant = issue.message
    else if (key === 'issuer')
      errors.issuer = 'The issuer is an https:// address, such as https://login.example.com.'
    else if (key === 'scopes') errors.scopes = 'Scopes are separated by spaces.'
    else if (custom) errors.issuer = 'Enter the issuer’s https:// address: its endpoints are read from it.'
  }
  return { errors }
}

interface Props {
  /** The account being edited; null adds one. */
  editing: OAuthAccountState | null
  onDone(): void
}

/** Add or change an OAuth account: the provider's preset, the address, the app registration. */
export function OAuthAccountForm({ editing, onDone }: Props) {
  const providers = useOAuthStore((s) => s.providers)
  const accounts = useOAuthStore((s) => s.accounts)
  const save = useOAuthStore((s) => s.save)
  const [values, setValues] = useState<Values>(() => valuesFrom(editing))
  const [errors, setErrors] = useState<Errors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const set = (patch: Partial<Values>) => setValues((v) => ({ ...v, ...patch }))
  const preset = providers.find((p) => p.id === values.provider) ?? null

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (busy) return
    const id =
      editing?.account.id ??
      accountIdFor(
        values.address,
        accounts.map((a) => a.account.id),
      )
    const checked = accountFrom(values, id)
    const secretNeeded = preset?.needsClientSecret && !editing?.hasClientSecret && values.clientSecret === ''
    if ('errors' in checked || secretNeeded) {
      setErrors({
        ...('errors' in checked ? checked.errors : {}),
        ...(secretNeeded
          ? { clientSecret: 'This provider demands the client secret of the registration.' }
          : {}),
      })
      setFailure('Nothing was saved: correct the fields marked above.')
      return
    }
    setErrors({})
    setFailure(null)
    setBusy(true)
    const secret = preset?.needsClientSecret && values.clientSecret !== '' ? values.clientSecret : undefined
    const result = await save(checked.account, secret)
    setBusy(false)
    // The secret is in the keychain now (or refused): it leaves the page either way.
    set({ clientSecret: '' })
    if (result.ok) onDone()
    else setFailure(result.message)
  }

  return (
    <form
      className="card oauth-form"
      aria-labelledby="oauth-form-title"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h3 id="oauth-form-title">{editing ? `Change ${editing.account.address}` : 'Add an OAuth account'}</h3>
      <Field label="Provider">
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={values.provider}
            disabled={editing !== null}
            onChange={(e) => set({ provider: e.target.value as OAuthProviderId })}
          >
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {preset && <Registration preset={preset} />}
      <TextField
        label="Mail address"
        hint="The mailbox the tunnel logs in to; your mail client will use it as its user name."
        error={errors.address}
        value={values.address}
        onChange={(v) => set({ address: v })}
        verbatim
        inputMode="email"
      />
      <TextField
        label="Client id"
        hint="The id of the app registration (it is not secret)."
        error={errors.clientId}
        value={values.clientId}
        onChange={(v) => set({ clientId: v })}
        verbatim
      />
      <ProviderFields
        values={values}
        errors={errors}
        set={set}
        needsSecret={preset?.needsClientSecret ?? false}
        secretStored={editing?.hasClientSecret ?? false}
      />
      {errors.clientSecret && <p className="field-error">{errors.clientSecret}</p>}
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          {busy ? 'Saving…' : editing ? 'Save account' : 'Add account'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <p role="alert" className="status-error">
        {failure}
      </p>
    </form>
  )
}

/** Where the user gets a client id for this provider, and what to know about it. */
function Registration({ preset }: { preset: OAuthProviderInfo }) {
  return (
    <div className="oauth-registration small">
      <p>
        <strong>Where to get a client id:</strong> {preset.registration.text}{' '}
        <a href={preset.registration.url} target="_blank" rel="noreferrer noopener">
          {preset.registration.link}
        </a>
      </p>
      {preset.flows.length === 0 && (
        <p className="field-hint">
          This provider issues no client ids to users: use an app password instead.
        </p>
      )}
      {preset.notes.length > 0 && (
        <ul>
          {preset.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

interface ProviderFieldsProps {
  values: Values
  errors: Errors
  set(patch: Partial<Values>): void
  needsSecret: boolean
  secretStored: boolean
}

/** What only some providers take: Microsoft's tenant, a custom issuer and scopes, a client secret. */
function ProviderFields({ values, errors, set, needsSecret, secretStored }: ProviderFieldsProps) {
  return (
    <>
      {values.provider === 'microsoft' && (
        <TextField
          label="Tenant (optional)"
          hint={`common (any account, the default), organizations, consumers, or your tenant id or domain.`}
          error={errors.tenant}
          value={values.tenant}
          onChange={(v) => set({ tenant: v })}
          verbatim
        />
      )}
      {values.provider === 'custom' && (
        <>
          <TextField
            label="Issuer"
            hint="Its https:// address; the endpoints are read from its published metadata."
            error={errors.issuer}
            value={values.issuer}
            onChange={(v) => set({ issuer: v })}
            verbatim
            inputMode="url"
          />
          <TextField
            label="Scopes"
            hint="Separated by spaces: the scopes its mail servers accept, and offline_access for lasting access."
            error={errors.scopes}
            value={values.scopes}
            onChange={(v) => set({ scopes: v })}
            verbatim
          />
        </>
      )}
      {needsSecret && (
        <PasswordField
          label="Client secret"
          hint={
            secretStored
              ? 'One is stored in the keychain; leave this empty to keep it.'
              : 'This provider demands it; it goes to the keychain and is never shown again.'
          }
          value={values.clientSecret}
          onChange={(v) => set({ clientSecret: v.slice(0, SECRET_VALUE_MAX) })}
        />
      )}
    </>
  )
}
