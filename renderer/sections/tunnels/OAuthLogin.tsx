import { useState } from 'react'
import type { TunnelOAuthMechanism } from '../../../shared/contract/index.js'
import { ChoiceField } from '../../components/ChoiceField.js'
import { CopyText } from '../../components/CopyText.js'
import { Field } from '../../components/Field.js'
import { selectOAuthAccounts, useOAuthStore } from '../../stores/oauth.js'
import { generateLocalPassword } from './oauth-words.js'

export type LoginMode = 'pass-through' | 'oauth'

export interface OAuthLoginValues {
  loginMode: LoginMode
  oauthAccountId: string
  oauthMechanism: TunnelOAuthMechanism
  /** Write-only: typed or generated here, sent to the keychain, never read back. */
  localPassword: string
}

const MECHANISM_WORDS: Record<TunnelOAuthMechanism, string> = {
  auto: 'Automatic (OAUTHBEARER where the server offers it, else XOAUTH2)',
  xoauth2: 'XOAUTH2 (Microsoft, Google, Yahoo)',
  oauthbearer: 'OAUTHBEARER (RFC 7628)',
}

interface Props {
  values: OAuthLoginValues
  errors: Partial<Record<keyof OAuthLoginValues, string>>
  set(patch: Partial<OAuthLoginValues>): void
  /** An existing tunnel already has a local password in the keychain. */
  localPasswordSet: boolean
}

/** How the tunnel logs in to the server: the client's own login, or an OAuth account's token. */
export function OAuthLogin({ values, errors, set, localPasswordSet }: Props) {
  const accounts = useOAuthStore(selectOAuthAccounts)
  const [reveal, setReveal] = useState(false)
  const chosen = accounts.find((a) => a.account.id === values.oauthAccountId)
  const address = chosen?.account.address ?? 'the account’s mail address'
  return (
    <ChoiceField
      legend="How the tunnel logs in to the server"
      name="tunnel-login"
      options={[
        { value: 'pass-through', label: 'Pass the mail client’s own login through' },
        { value: 'oauth', label: 'With an OAuth 2.0 account' },
      ]}
      value={values.loginMode}
      onChange={(loginMode) => set({ loginMode })}
    >
      {values.loginMode === 'oauth' && (
        <div className="oauth-login">
          {accounts.length === 0 ? (
            <p className="field-error">Add an OAuth account first (under “OAuth 2.0 accounts” below).</p>
          ) : (
            <Field label="OAuth account" error={errors.oauthAccountId}>
              {({ id, describedBy, invalid }) => (
                <select
                  id={id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  value={values.oauthAccountId}
                  onChange={(e) => set({ oauthAccountId: e.target.value })}
                >
                  <option value="">Choose an account</option>
                  {accounts.map((a) => (
                    <option key={a.account.id} value={a.account.id}>
                      {a.account.address}
                      {a.state === 'signed-in' ? '' : ' (not signed in)'}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field
            label="Local password"
            hint={`Your mail client logs in to the tunnel with ${address} as user name and this password; the tunnel then signs in to the server with the account.${
              localPasswordSet ? ' One is set: type or generate a new one to change it.' : ''
            }`}
            error={errors.localPassword}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                type={reveal ? 'text' : 'password'}
                autoComplete="new-password"
                spellCheck={false}
                maxLength={256}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                value={values.localPassword}
                onChange={(e) => set({ localPassword: e.target.value })}
              />
            )}
          </Field>
          <div className="form-actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                set({ localPassword: generateLocalPassword() })
                setReveal(true)
              }}
            >
              Generate a password
            </button>
            {values.localPassword !== '' && (
              <CopyText text={values.localPassword} what="the local password" label="Copy password" />
            )}
          </div>
          <details className="advanced">
            <summary>Advanced</summary>
            <ChoiceField
              legend="SASL mechanism towards the server"
              name="tunnel-oauth-mechanism"
              options={(['auto', 'xoauth2', 'oauthbearer'] as const).map((m) => ({
                value: m,
                label: MECHANISM_WORDS[m],
              }))}
              value={values.oauthMechanism}
              onChange={(oauthMechanism) => set({ oauthMechanism })}
            />
          </details>
        </div>
      )}
    </ChoiceField>
  )
}
