import { SECTIONS, type SectionId } from '../sections/registry.js'

interface Props {
  current: SectionId
  onSelect(section: SectionId): void
}

export function SectionNav({ current, onSelect }: Props) {
  return (
    <nav className="app-nav" aria-label="Sections">
      <ul>
        {SECTIONS.map(({ id, label }) => (
          <li key={id}>
            <button
              type="button"
              className="nav-item"
              aria-current={id === current ? 'page' : undefined}
              onClick={() => onSelect(id)}
            >
              {label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
