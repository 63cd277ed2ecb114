// A seeded PRNG (sfc32, seeded by splitmix32): the corpus is the same bytes on every run and every
// machine, so two runs (or two branches) are measured on the same mail.

export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = seed >>> 0
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = split()
    this.b = split()
    this.c = split()
    this.d = split()
    for (let i = 0; i < 12; i++) this.next()
  }

  /** The next 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0
    this.c = (this.c + t) >>> 0
    return t
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 2 ** 32) * n)
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T
  }

  /** One of the keys, chosen with the given weights. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>
    let at = (this.next() / 2 ** 32) * entries.reduce((sum, [, w]) => sum + w, 0)
    for (const [key, weight] of entries) {
      at -= weight
      if (at < 0) return key
    }
    return (entries.at(-1) as [K, number])[0]
  }

  /** `count` random bytes (attachments: incompressible, as real PDFs and images are). */
  bytes(count: number): Buffer {
    const out = Buffer.allocUnsafe(Math.ceil(count / 4) * 4)
    for (let at = 0; at < out.length; at += 4) out.writeUInt32LE(this.next(), at)
    return out.subarray(0, count)
  }

  hex(chars: number): string {
    return this.bytes(Math.ceil(chars / 2))
      .toString('hex')
      .slice(0, chars)
  }
}
