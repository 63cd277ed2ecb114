import type { ReactNode } from 'react'

interface Props<T extends string> {
  legend: string
  /** The radio group's name (one per form). */
  name: string
  options: readonly { value: T; label: ReactNode }[]
  value: T
  onChange(value: T): void
  /** Shown under the choices (a hint that depends on the choice). */
  children?: ReactNode
}

/** A labelled group of radio buttons, as every form here lays them out. */
export function ChoiceField<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  children,
}: Props<T>) {
  return (
    <fieldset className="field">
      <legend className="field-label">{legend}</legend>
      <div className="choices">
        {options.map((option) => (
          <label key={option.value} className="choice">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
      {children}
    </fieldset>
  )
}
