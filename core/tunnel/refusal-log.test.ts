// The refused clients' warnings: one line per address per window, the rest counted and said when
// the window is over or the tunnel stops; bounded memory, with one shared count beyond the bound.
import { describe, expect, it } from 'vitest'
import { RefusalLog, type RefusalLogOptions } from './refusal-log.js'

function harness(options: Omit<RefusalLogOptions, 'now'> = {}) {
  const lines: string[] = []
  let now = 1_000
  const log = new RefusalLog((line) => lines.push(line), { now: () => now, ...options })
  return {
    lines,
    log,
    refuse: (source: string, times = 1) => {
      for (let i = 0; i < times; i++) log.refused(source, `${source}:${40_000 + i}: refused: not listed`)
    },
    advance: (ms: number) => {
      now += ms
    },
  }
}

/** Refusals a set of lines accounts for: one per first line, plus the counts said. */
function accounted(lines: string[]): number {
  let total = 0
  for (const line of lines) {
    if (/: refused: /.test(line)) total++
    const more = / refused (?:once more|(\d+) more times) /.exec(line)
    if (more) total += more[1] ? Number(more[1]) : 1
  }
  return total
}

describe('RefusalLog', () => {
  it('says whether a refusal was logged (the tunnel records only those)', () => {
    const t = harness()
    expect(t.log.refused('10.0.0.1', 'first')).toBe(true)
    expect(t.log.refused('10.0.0.1', 'again')).toBe(false)
    expect(t.log.refused('10.0.0.2', 'another address')).toBe(true)
    t.advance(60_000)
    expect(t.log.refused('10.0.0.1', 'a new minute')).toBe(true)
  })

  it('logs the first refusal of an address, counts the rest of its minute, says the count after it', () => {
    const t = harness()
    t.refuse('192.168.1.9', 38)
    expect(t.lines).toEqual(['192.168.1.9:40000: refused: not listed'])
    t.advance(59_999)
    t.refuse('192.168.1.9')
    expect(t.lines).toHaveLength(1)
    t.advance(1)
    t.refuse('192.168.1.9')
    expect(t.lines).toEqual([
      '192.168.1.9:40000: refused: not listed',
      '192.168.1.9: refused 38 more times within a minute of the line above for it (not logged one by one)',
      '192.168.1.9:40000: refused: not listed',
    ])
  })

  it('keeps one window per address', () => {
    const t = harness()
    t.refuse('10.0.0.1', 3)
    t.refuse('10.0.0.2', 1)
    t.refuse('[fd00::7]', 2)
    expect(t.lines).toEqual([
      '10.0.0.1:40000: refused: not listed',
      '10.0.0.2:40000: refused: not listed',
      '[fd00::7]:40000: refused: not listed',
    ])
    t.log.flush()
    expect(t.lines.slice(3)).toEqual([
      '10.0.0.1: refused 2 more times within a minute of the line above for it (not logged one by one)',
      '[fd00::7]: refused once more within a minute of the line above for it (not logged one by one)',
    ])
    expect(t.log.tracked).toBe(0)
  })

  it('says the count of an address that went quiet at the next refusal of another, after its window', () => {
    const t = harness({ windowMs: 5_000 })
    t.refuse('10.0.0.1', 4)
    t.advance(5_000)
    t.refuse('10.0.0.2')
    expect(t.lines).toEqual([
      '10.0.0.1:40000: refused: not listed',
      '10.0.0.1: refused 3 more times within 5 s of the line above for it (not logged one by one)',
      '10.0.0.2:40000: refused: not listed',
    ])
    expect(t.log.tracked).toBe(1)
  })

  it('says nothing more for an address refused once per window', () => {
    const t = harness()
    for (let i = 0; i < 3; i++) {
      t.refuse('10.0.0.1')
      t.advance(60_000)
    }
    t.log.flush()
    expect(t.lines).toEqual(Array(3).fill('10.0.0.1:40000: refused: not listed'))
  })

  it('tracks at most maxSources addresses; those beyond share one line and one count', () => {
    const t = harness({ maxSources: 3 })
    for (const source of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']) t.refuse(source, 2)
    expect(t.log.tracked).toBe(3)
    expect(t.lines).toEqual([
      '10.0.0.1:40000: refused: not listed',
      '10.0.0.2:40000: refused: not listed',
      '10.0.0.3:40000: refused: not listed',
      '10.0.0.4:40000: refused: not listed (clients from more than 3 addresses refused within a minute: refusals from further addresses are counted together)',
    ])
    t.advance(60_000)
    t.refuse('10.0.0.6')
    expect(t.lines.slice(4)).toEqual([
      '10.0.0.1: refused once more within a minute of the line above for it (not logged one by one)',
      '10.0.0.2: refused once more within a minute of the line above for it (not logged one by one)',
      '10.0.0.3: refused once more within a minute of the line above for it (not logged one by one)',
      'clients from addresses beyond the first 3 refused 3 more times within a minute (not logged one by one)',
      '10.0.0.6:40000: refused: not listed',
    ])
  })

  it('accounts for every refusal, with memory bounded, whatever the traffic', () => {
    const t = harness({ maxSources: 16, windowMs: 1_000 })
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % n
    }
    let refusals = 0
    for (let i = 0; i < 20_000; i++) {
      t.refuse(`10.0.${random(4)}.${random(20)}`)
      refusals++
      expect(t.log.tracked).toBeLessThanOrEqual(16)
      t.advance(random(3))
    }
    t.log.flush()
    expect(accounted(t.lines)).toBe(refusals)
    // Far fewer lines than refusals: that is the point.
    expect(t.lines.length).toBeLessThan(refusals / 10)
  })
})
