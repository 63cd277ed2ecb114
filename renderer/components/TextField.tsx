import type { InputHTMLAttributes } from 'react'
import { Field } from './Field.js'

type Extra = Pick<
  InputHTMLAttributes<HTMLInputElement>,
  'type' | 'min' | 'max' | 'step' | 'maxLength' | 'placeholder' | 'inputMode' | 'autoComplete' | 'disabled'
>

interface Props extends Extra {
  label: string
  hint?: string
  error?: string | null
  value: string
  onChange(value: string): void
  onBlur?(): void
  /** A port, a number of seconds or minutes. */
  short?: boolean
  /** A host name, path or URL: no spelling correction, no autofill. */
  verbatim?: boolean
}

/** A labelled one-line input with its hint and inline error (Field), as every form here uses it. */
export function TextField({ label, hint, error, value, onChange, onBlur, short, verbatim, ...extra }: Props) {
  return (
    <Field label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="text"
          className={short ? 'input-short' : undefined}
          spellCheck={verbatim ? false : undefined}
          autoComplete={verbatim ? 'off' : undefined}
          {...extra}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onBlur={onBlur}
        />
      )}
    </Field>
  )
}
