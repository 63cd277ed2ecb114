import { SECRET_VALUE_MAX } from '../../shared/contract/index.js'
import { TextField } from './TextField.js'

interface Props {
  label: string
  hint?: string
  value: string
  onChange(value: string): void
  disabled?: boolean
}

/**
 * A password to keep in the keychain: hidden, never offered for autofill of an old one, no longer
 * than the keychain takes. The form that holds it clears it once it is stored or refused.
 */
export function PasswordField({ label, hint, value, onChange, disabled }: Props) {
  return (
    <TextField
      label={label}
      hint={hint}
      type="password"
      autoComplete="new-password"
      maxLength={SECRET_VALUE_MAX}
      disabled={disabled}
      value={value}
      onChange={onChange}
    />
  )
}
