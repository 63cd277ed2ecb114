import { describe, expect, it } from 'vitest'
import { HostLimiter, pool, staggered } from './schedule.js'

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('HostLimiter', () => {
  it('never runs more than N tasks on one host, and lets other hosts run beside them', async () => {
    const limiter = new HostLimiter({ perHost: 2, staggerMs: 0 })
    let busiest = 0
    const running = new Map<string, number>()
    const task = (host: string) =>
      limiter.run(host, async () => {
        running.set(host, (running.get(host) ?? 0) + 1)
        busiest = Math.max(busiest, running.get(host) ?? 0)
        expect(limiter.active(host)).toBeLessThanOrEqual(2)
        await tick(20)
        running.set(host, (running.get(host) ?? 0) - 1)
        return host
      })
    const started = Date.now()
    const results = await Promise.all(
      [...Array(6)].map(() => task('a.example')).concat([task('B.example'), task('b.example')]),
    )
    expect(results.filter((h) => h === 'a.example')).toHaveLength(6)
    expect(busiest).toBe(2)
    // 6 tasks of 20 ms, 2 at a time: at least three rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(55)
    expect(limiter.active('a.example')).toBe(0)
  })

  it('spaces the starts on one host by the stagger', async () => {
    const limiter = new HostLimiter({ perHost: 10, staggerMs: 30 })
    const starts: number[] = []
    await Promise.all(
      [...Array(4)].map(() => limiter.run('h.example', async () => void starts.push(Date.now()))),
    )
    for (let i = 1; i < starts.length; i++)
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(25)
  })

  it('frees the slot when a task fails, and drops a waiting task when cancelled', async () => {
    const limiter = new HostLimiter({ perHost: 1, staggerMs: 0 })
    await expect(limiter.run('h.example', async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    )
    let release: () => void = () => {}
    const holding = limiter.run('h.example', () => new Promise<void>((r) => (release = r)))
    const controller = new AbortController()
    let ran = false
    const waiting = limiter.run(
      'h.example',
      async () => {
        ran = true
      },
      controller.signal,
    )
    controller.abort()
    await expect(waiting).rejects.toThrow(/abort/i)
    release()
    await holding
    expect(ran).toBe(false)
    expect(limiter.active('h.example')).toBe(0)
  })
})

describe('staggered and pool', () => {
  it('starts items M ms apart and keeps every outcome', async () => {
    const t0 = Date.now()
    const starts: number[] = []
    const out = await staggered([1, 2, 3], 25, async (n) => {
      starts.push(Date.now() - t0)
      if (n === 2) throw new Error('two')
      return n * 10
    })
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(starts[2]).toBeGreaterThanOrEqual(45)
  })

  it('runs at most `size` at once, in input order', async () => {
    let now = 0
    let most = 0
    const out = await pool([5, 1, 3, 2], 2, async (n) => {
      now += 1
      most = Math.max(most, now)
      await tick(n)
      now -= 1
      return n
    })
    expect(most).toBe(2)
    expect(out.map((o) => (o.status === 'fulfilled' ? o.value : null))).toEqual([5, 1, 3, 2])
  })
})
