import type { FormEvent } from 'react'
import { KEYGEN_TYPES, type KeygenType } from '../../../shared/contract/index.js'
import { ChoiceField } from '../../components/ChoiceField.js'
import { TextField } from '../../components/TextField.js'
import { useKeygenStore } from '../../stores/domain-keygen.js'

const TYPE_LABELS: Record<KeygenType, string> = {
  'rsa-2048': 'RSA 2048 (recommended)',
  'rsa-3072': 'RSA 3072',
  ed25519: 'Ed25519 only',
  'rsa-2048+ed25519': 'RSA 2048 and Ed25519 (two signatures)',
}

const TYPE_OPTIONS = KEYGEN_TYPES.map((value) => ({ value, label: TYPE_LABELS[value] }))

export function KeygenForm() {
  const form = useKeygenStore((s) => s.form)
  const status = useKeygenStore((s) => s.status)
  const setForm = useKeygenStore((s) => s.setForm)
  const make = useKeygenStore((s) => s.make)

  function submit(event: FormEvent) {
    event.preventDefault()
    void make()
  }

  return (
    <form className="domain-form" onSubmit={submit} aria-label="Make a DKIM key">
      <TextField
        label="Domain"
        hint="The domain in your From addresses, e.g. example.com."
        value={form.domain}
        onChange={(domain) => setForm({ domain })}
        verbatim
        maxLength={253}
      />
      <TextField
        label="Selector"
        hint="The name of this key in DNS. A date makes the next rotation easy."
        value={form.selector}
        onChange={(selector) => setForm({ selector })}
        verbatim
        maxLength={63}
      />
      <ChoiceField
        legend="Key type"
        name="keygen-type"
        options={TYPE_OPTIONS}
        value={form.type}
        onChange={(type) => setForm({ type })}
      />
      <button type="submit" className="button button-primary" disabled={status === 'working'}>
        {status === 'working' ? 'Making the key…' : 'Make the key'}
      </button>
    </form>
  )
}
