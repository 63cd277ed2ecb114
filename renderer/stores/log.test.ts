import { beforeEach, describe, expect, it } from 'vitest'
import { LOG_CAPACITY, logStore } from './log.js'

const line = (n: number) => ({
  at: '2025-01-01T00:00:00.000Z',
  level: 'info' as const,
  source: 'test',
  message: `${n}`,
})

describe('the log store', () => {
  beforeEach(() => logStore.getState().reset())

  it('keeps only the last LOG_CAPACITY lines, oldest first', () => {
    for (let n = 1; n <= LOG_CAPACITY + 20; n++) logStore.getState().push(line(n))
    const { entries } = logStore.getState()
    expect(entries).toHaveLength(LOG_CAPACITY)
    expect(entries[0]?.line.message).toBe('21')
    expect(entries.at(-1)?.line.message).toBe(`${LOG_CAPACITY + 20}`)
    expect(new Set(entries.map((e) => e.seq)).size).toBe(LOG_CAPACITY)
  })

  it('resets to empty', () => {
    logStore.getState().push(line(1))
    logStore.getState().reset()
    expect(logStore.getState().entries).toEqual([])
  })
})
