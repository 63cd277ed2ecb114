// Deterministic mutations of signed messages for fuzzing the DKIM parser and canonicalizers: case
// number i of seed s is always the same bytes (and the same chunking), so any failure replays.

/** mulberry32: small, fast, good enough to pick mutations; seeded per case. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0
}

type Rand = () => number
const int = (r: Rand, n: number) => Math.floor(r() * n)
const pick = <T>(r: Rand, list: readonly T[]): T => list[int(r, list.length)] as T

/** Byte strings that matter to a DKIM parser: separators, folding, tags, odd values. */
const TOKENS = [
  '\r\n',
  '\n',
  '\r',
  '\r\n\r\n',
  '\n\n',
  ' ',
  '\t',
  '\r\n ',
  '\r\n\t',
  ';',
  '=',
  ':',
  '\0',
  '\xff',
  '\x80',
  'DKIM-Signature: ',
  'dkim-signature:',
  'From: ',
  'From : ',
  ' From:',
  'Subject: ',
  'Received: ',
  'v=1; ',
  'a=rsa-sha256; ',
  'a=ed25519-sha256; ',
  'a=rsa-sha1; ',
  'a=rsa-sha512; ',
  'c=relaxed/relaxed; ',
  'c=simple/simple; ',
  'c=relaxed; ',
  'c=bogus/x; ',
  'l=0; ',
  'l=1; ',
  'l=99999999999999999999; ',
  'l=-1; ',
  'l=1e3; ',
  'h=from:from:from:from:from:from:from:from; ',
  'h=; ',
  'h=:; ',
  'x=0; ',
  't=99999999999999; ',
  'x=1; t=2; ',
  'i=@; ',
  'i=@evil.example; ',
  'd=; ',
  'd=.; ',
  'd=a..b; ',
  's=; ',
  'q=dns/txt; ',
  'q=http; ',
  'bh=; ',
  'b=; ',
  'b====; ',
  'bh=AAAA; ',
  'z=From:x|To:y; ',
  'v=2; ',
  '=?utf-8?b?',
  '?=',
  '<',
  '>',
  '"',
  '@',
  '\u00e9',
  '\u202e',
  'x'.repeat(1000),
].map((t) => Buffer.from(t, 'latin1'))

export interface MutatedCase {
  bytes: Buffer
  /** Chunk sizes to feed the message in (a streaming verifier must not care). */
  chunks: number[]
  /** What was done, for a failure report. */
  steps: string[]
}

const MUTATORS: Array<[string, (b: Buffer, r: Rand) => Buffer]> = [
  [
    'flip',
    (b, r) => {
      const c = Buffer.from(b)
      for (let n = 1 + int(r, 8); n > 0 && c.length > 0; n--) c[int(r, c.length)] = int(r, 256)
      return c
    },
  ],
  [
    'insert-token',
    (b, r) => {
      const at = int(r, b.length + 1)
      return Buffer.concat([b.subarray(0, at), pick(r, TOKENS), b.subarray(at)])
    },
  ],
  [
    'insert-token-in-signature',
    (b, r) => {
      const sig = b.indexOf('DKIM-Signature')
      if (sig < 0) return b
      const end = b.indexOf('\n', sig + 20)
      const at = sig + 15 + int(r, Math.max(1, (end < 0 ? b.length : end) - sig - 15))
      return Buffer.concat([b.subarray(0, at), pick(r, TOKENS), b.subarray(at)])
    },
  ],
  [
    'delete',
    (b, r) => {
      const at = int(r, b.length + 1)
      const len = int(r, Math.min(64, b.length - at + 1))
      return Buffer.concat([b.subarray(0, at), b.subarray(at + len)])
    },
  ],
  [
    'duplicate',
    (b, r) => {
      const at = int(r, b.length + 1)
      const len = int(r, Math.min(400, b.length - at + 1))
      return Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)])
    },
  ],
  ['truncate', (b, r) => b.subarray(0, int(r, b.length + 1))],
  [
    'line-endings',
    (b, r) => {
      const mode = int(r, 3)
      const s = b.toString('latin1')
      return Buffer.from(
        mode === 0
          ? s.replace(/\r\n/g, '\n')
          : mode === 1
            ? s.replace(/\r?\n/g, '\r\n')
            : s.replace(/\r\n/g, () => (r() < 0.3 ? '\n' : r() < 0.1 ? '\r' : '\r\n')),
        'latin1',
      )
    },
  ],
  [
    'repeat-signature',
    (b, r) => {
      const s = b.toString('latin1')
      const m = /^DKIM-Signature:.*(?:\r?\n[ \t].*)*\r?\n/im.exec(s)
      if (!m) return b
      return Buffer.from(m[0].repeat(1 + int(r, 50)) + s, 'latin1')
    },
  ],
  [
    'whitespace-run',
    (b, r) => {
      const at = int(r, b.length + 1)
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.alloc(1 + int(r, 3000), r() < 0.5 ? 0x20 : 0x09),
        b.subarray(at),
      ])
    },
  ],
  [
    'case',
    (b, r) => {
      const c = Buffer.from(b)
      for (let n = 1 + int(r, 30); n > 0 && c.length > 0; n--) {
        const at = int(r, c.length)
        const ch = c[at] as number
        if (ch >= 0x41 && ch <= 0x5a) c[at] = ch + 32
        else if (ch >= 0x61 && ch <= 0x7a) c[at] = ch - 32
      }
      return c
    },
  ],
  [
    'splice',
    (b, r) => {
      const at = int(r, b.length + 1)
      const from = int(r, b.length + 1)
      return Buffer.concat([b.subarray(0, at), b.subarray(from)])
    },
  ],
]

/** Case `index` of run `seed`: 1 to 4 mutations of one of the seed messages, and its chunking. */
export function mutatedCase(seeds: readonly Buffer[], seed: number, index: number): MutatedCase {
  const r = prng(caseSeed(seed, index))
  let bytes = pick(r, seeds)
  const steps: string[] = []
  for (let n = 1 + int(r, 4); n > 0; n--) {
    const [name, mutate] = pick(r, MUTATORS)
    bytes = mutate(bytes, r)
    steps.push(name)
  }
  // Chunk edges anywhere: byte by byte for small messages now and then (a slow socket), else
  // pieces of up to 8 KB. (Tiny chunks of a big message cost the verifier time, not correctness.)
  const tiny = bytes.length <= 16 * 1024 && r() < 0.2
  const chunks: number[] = []
  for (let left = bytes.length; left > 0; ) {
    const size = tiny ? 1 + int(r, 16) : 1 + int(r, 8192)
    chunks.push(Math.min(size, left))
    left -= size
  }
  return { bytes, chunks, steps }
}

export async function* inChunks(bytes: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (const size of sizes) {
    yield bytes.subarray(at, at + size)
    at += size
  }
}
