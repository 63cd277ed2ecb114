// Hostile and broken input for the DKIM verifier: each gets a clear result (a report, or a
// DkimInputError with a sentence), in bounded time and memory. Large messages are generated as
// streams and never held in memory; memory is sampled while they are verified (loosely: these
// tests run beside others on a shared machine, the bench measures it properly).

import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { Readable } from 'node:stream'
import { dkimSign } from 'mailauth/lib/dkim/sign'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DkimInputError,
  type DkimReport,
  dnsKeySource,
  type KeyLookup,
  type KeySource,
  keyFileSource,
  verifyMessage,
} from '../../core/dkim/index.js'
import { createResolver } from '../../core/dns/resolver.js'
import { CORPUS_DOMAIN, type KeySet, keyFileLines, makeKeys } from './keys.js'
import { header } from './messages.js'

let keys: KeySet
let keySource: KeySource

beforeAll(async () => {
  const { mkdtemp } = await import('node:fs/promises')
  const os = await import('node:os')
  const path = await import('node:path')
  keys = await makeKeys(await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-bad-')))
  keySource = keyFileSource(keyFileLines(keys).join('\n'))
})

/** Signs `head` + a streamed body with mailauth (which hashes as it reads, holding nothing). */
async function sign(head: string, body: () => AsyncIterable<Uint8Array>): Promise<string> {
  async function* whole() {
    yield Buffer.from(`${head}\r\n`, 'latin1')
    yield* body()
  }
  const one = {
    signingDomain: CORPUS_DOMAIN,
    selector: 'rsa2048',
    privateKey: keys.rsa2048.pem,
    canonicalization: 'relaxed/relaxed',
  }
  const result = await dkimSign(Readable.from(whole()), { ...one, signatureData: [one] })
  if (!result.signatures) throw new Error(`mailauth did not sign: ${JSON.stringify(result.errors)}`)
  return result.signatures
}

/** Runs `work`, sampling RSS every 20 ms; returns its result, the time taken and the RSS growth. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; rssGrowthMb: number }> {
  global.gc?.()
  const before = process.memoryUsage().rss
  let peak = before
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 20)
  const started = Date.now()
  try {
    const value = await work()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { value, ms: Date.now() - started, rssGrowthMb: (peak - before) / 1024 / 1024 }
  } finally {
    clearInterval(timer)
  }
}

async function outcome(
  input: Uint8Array | AsyncIterable<Uint8Array>,
  source = keySource,
): Promise<DkimReport | DkimInputError> {
  try {
    return await verifyMessage(input, { keys: source })
  } catch (error) {
    if (error instanceof DkimInputError) return error
    throw error
  }
}

const LINE = Buffer.from(`${'The quick brown fox jumps over the lazy dog. '.repeat(2)}\r\n`)

/** `total` bytes of body lines, generated chunk by chunk. */
function bodyStream(total: number): () => AsyncIterable<Uint8Array> {
  const chunk = Buffer.concat(Array.from({ length: Math.floor((256 * 1024) / LINE.length) }, () => LINE))
  return async function* () {
    let left = total
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left - (left % LINE.length) || left)
      left -= piece.length
      yield piece
    }
  }
}

describe('bad input to the DKIM verifier', () => {
  it('an empty file: "The message is empty."', async () => {
    const result = await outcome(new Uint8Array(0))
    expect(result).toBeInstanceOf(DkimInputError)
    expect((result as DkimInputError).problem).toBe('empty')
    expect((result as DkimInputError).message).toBe('The message is empty.')
  })

  it('binary junk: a report with verdict none and the header problem named, quickly', async () => {
    for (let i = 0; i < 20; i++) {
      const junk = randomBytes(64 * 1024)
      const { value, ms } = await measured(() => outcome(junk))
      expect(ms).toBeLessThan(5_000)
      if (value instanceof DkimInputError) expect(value.message).toMatch(/\./)
      else {
        expect(value.verdict).toBe('none')
        expect(value.findings.length).toBeGreaterThan(0)
      }
    }
  })

  it('no header/body separator: the signatures are still checked and the missing separator is said', async () => {
    const head = header()
    const signed = (await sign(head, async function* () {})) + head
    const report = (await outcome(Buffer.from(signed, 'latin1'))) as DkimReport
    expect(report.findings.map((f) => f.id)).toContain('no-body-separator')
    expect(report.signatures).toHaveLength(1)
  })

  it('a 100 MB message, streamed: verifies, in bounded memory', async () => {
    const size = 100 * 1024 * 1024
    const head = header({ Subject: 'A 100 MB message' })
    const signature = await sign(head, bodyStream(size))
    async function* message() {
      yield Buffer.from(`${signature}${head}\r\n`, 'latin1')
      yield* bodyStream(size)()
    }
    const { value, ms, rssGrowthMb } = await measured(() => outcome(message()))
    const report = value as DkimReport
    expect(report.signatures.map((s) => s.result)).toEqual(['pass'])
    expect(report.bodyBytes).toBe(size)
    // Holding the body would grow RSS by 100 MB or more; streaming keeps it to the read buffers
    // and the (bounded, EXPLAIN_BODY_MAX_BYTES) copy kept to explain a mismatch.
    expect(rssGrowthMb).toBeLessThan(80)
    expect(ms).toBeLessThan(60_000)
  }, 90_000)

  it('a header of more than 1 MB: refused with a sentence, without reading the rest', async () => {
    let bodyRead = false
    async function* message() {
      // 4 KB chunks, as a socket or file delivers them: 1.6 MB of header fields, no end.
      for (let i = 0; i < 400; i++) {
        yield Buffer.from(
          Array.from({ length: 50 }, (_, j) => `X-Filler-${i}-${j}: ${'x'.repeat(60)}\r\n`).join(''),
        )
      }
      yield Buffer.from('\r\n')
      bodyRead = true
      yield Buffer.from('body\r\n')
    }
    const result = await outcome(message())
    expect(result).toBeInstanceOf(DkimInputError)
    expect((result as DkimInputError).problem).toBe('too-large')
    expect((result as DkimInputError).message).toMatch(/header|larger/i)
    expect(bodyRead).toBe(false)
  })

  it('a header just under 1 MB with a signature: verified', async () => {
    // Received times after the signature's t= (now), so the signature is not dated in the future.
    const when = new Date(Date.now() + 60_000).toUTCString().replace('GMT', '+0000')
    const filler = Array.from(
      { length: 12_000 },
      (_, i) => `Received: from relay${i}.example by mx.example; ${when}\r\n`,
    ).join('')
    const head = header()
    const body = async function* () {
      yield Buffer.from('Hello\r\n')
    }
    const signature = await sign(head, body)
    const text = `${filler}${signature}${head}\r\nHello\r\n`
    expect(text.length).toBeGreaterThan(900_000)
    expect(text.length).toBeLessThan(1024 * 1024)
    const { value, ms } = await measured(() => outcome(Buffer.from(text, 'latin1')))
    expect((value as DkimReport).signatures.map((s) => s.result)).toEqual(['pass'])
    expect(ms).toBeLessThan(10_000)
  })

  it('thousands of signatures: a bounded number checked, the rest said, few key lookups', async () => {
    const head = header()
    const body = async function* () {
      yield Buffer.from('Hello\r\n')
    }
    const signature = await sign(head, body)
    const lookups: string[] = []
    const counting: KeySource = {
      description: 'counting key file',
      lookup: (name) => {
        lookups.push(name)
        return keySource.lookup(name)
      },
    }
    const text = `${signature.repeat(5000)}${head}\r\nHello\r\n`
    const { value, ms } = await measured(() => outcome(Buffer.from(text, 'latin1'), counting))
    const report = value as DkimReport
    expect(report.findings.map((f) => f.id)).toContain('signatures-too-many')
    expect(report.signatures.length).toBeLessThanOrEqual(64)
    expect(report.signatures.every((s) => s.result === 'pass')).toBe(true)
    expect(lookups.length).toBeLessThanOrEqual(64)
    expect(ms).toBeLessThan(20_000)
  }, 30_000)

  it('huge, malformed and hostile key answers from a KeySource: a clear result each', async () => {
    const head = header()
    const signature = await sign(head, async function* () {
      yield Buffer.from('Hello\r\n')
    })
    const message = Buffer.from(`${signature}${head}\r\nHello\r\n`, 'latin1')
    const answers: Array<[string, () => Promise<KeyLookup>, RegExp]> = [
      [
        'a 1 MB record',
        async () => ({ kind: 'found', records: [`v=DKIM1; p=${'A'.repeat(1024 * 1024)}`] }),
        /permerror/,
      ],
      [
        '100 records',
        async () => ({
          kind: 'found',
          records: Array.from({ length: 100 }, () => `v=DKIM1; p=${keys.rsa2048.p}`),
        }),
        /permerror/,
      ],
      [
        'binary junk',
        async () => ({ kind: 'found', records: [randomBytes(300).toString('latin1')] }),
        /permerror/,
      ],
      [
        'bad base64 in p=',
        async () => ({ kind: 'found', records: ['v=DKIM1; k=rsa; p=!!!not-base64***'] }),
        /permerror/,
      ],
      [
        'base64 of junk in p=',
        async () => ({
          kind: 'found',
          records: [`v=DKIM1; k=rsa; p=${randomBytes(270).toString('base64')}`],
        }),
        /permerror/,
      ],
      [
        'an unknown key type',
        async () => ({ kind: 'found', records: [`v=DKIM1; k=dsa; p=${keys.rsa2048.p}`] }),
        /permerror/,
      ],
      ['v=DKIM2', async () => ({ kind: 'found', records: [`v=DKIM2; p=${keys.rsa2048.p}`] }), /permerror/],
      [
        'duplicate tags',
        async () => ({ kind: 'found', records: [`v=DKIM1; p=${keys.rsa2048.p}; p=${keys.rsa2048.p}`] }),
        /permerror/,
      ],
      ['an empty record', async () => ({ kind: 'found', records: [''] }), /permerror/],
      ['a temporary failure', async () => ({ kind: 'temperror', reason: 'SERVFAIL' }), /temperror/],
      [
        'a source that throws',
        async () => {
          throw new Error('the key source broke')
        },
        /temperror|permerror/,
      ],
    ]
    for (const [name, answer, expected] of answers) {
      const { value, ms } = await measured(() => outcome(message, { description: name, lookup: answer }))
      const report = value as DkimReport
      expect([name, report.signatures[0]?.result]).toEqual([name, expect.stringMatching(expected)])
      expect(report.signatures[0]?.reason, name).toMatch(/\w/)
      expect(ms, name).toBeLessThan(5_000)
    }
  })

  it('a key source that never answers: the abort signal ends the verification', async () => {
    const head = header()
    const signature = await sign(head, async function* () {
      yield Buffer.from('Hello\r\n')
    })
    const never: KeySource = { description: 'silent', lookup: () => new Promise<KeyLookup>(() => {}) }
    const started = Date.now()
    const verification = verifyMessage(Buffer.from(`${signature}${head}\r\nHello\r\n`, 'latin1'), {
      keys: never,
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'finished',
      (error: unknown) => (error as Error).name,
    )
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3_000))
    expect(await Promise.race([verification, hung])).toMatch(/Abort|Timeout/)
    expect(Date.now() - started).toBeLessThan(3_000)
  })
})

describe('hostile DNS answers (a UDP server on 127.0.0.1)', () => {
  const socket = createSocket('udp4')
  let port = 0
  let mode: 'junk' | 'many' | 'mismatch' = 'junk'

  /** A DNS answer for the question in `query`: `records` TXT records of one string each. */
  function txtAnswer(query: Buffer, records: string[]): Buffer {
    const questionEnd = query.indexOf(0, 12) + 5
    const head = Buffer.from(query.subarray(0, 12))
    head.writeUInt16BE(0x8180, 2) // response, recursion available, no error
    head.writeUInt16BE(1, 4)
    head.writeUInt16BE(records.length, 6)
    head.writeUInt16BE(0, 8)
    head.writeUInt16BE(0, 10)
    const answers = records.map((text) => {
      const data = Buffer.concat([Buffer.from([Math.min(255, text.length)]), Buffer.from(text.slice(0, 255))])
      const rr = Buffer.alloc(12)
      rr.writeUInt16BE(0xc00c, 0) // name: pointer to the question
      rr.writeUInt16BE(16, 2) // TXT
      rr.writeUInt16BE(1, 4) // IN
      rr.writeUInt32BE(60, 6)
      rr.writeUInt16BE(data.length, 10)
      return Buffer.concat([rr, data])
    })
    return Buffer.concat([head, query.subarray(12, questionEnd), ...answers])
  }

  beforeAll(async () => {
    socket.on('message', (query, peer) => {
      let answer: Buffer
      if (mode === 'junk') answer = Buffer.concat([query.subarray(0, 2), randomBytes(200)])
      else if (mode === 'mismatch')
        answer = txtAnswer(
          Buffer.concat([Buffer.from([(query[0] as number) ^ 0xff, query[1] as number]), query.subarray(2)]),
          ['v=DKIM1; p='],
        )
      else
        answer = txtAnswer(
          query,
          Array.from({ length: 30 }, (_, i) => `v=DKIM1; n=${i}; p=${keys.rsa2048.p.slice(0, 8)}`),
        )
      socket.send(answer, peer.port, peer.address)
    })
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    port = socket.address().port
  })
  afterAll(() => {
    socket.close()
  })

  it('junk, mismatched and oversized answers give temperror or permerror, within the resolver timeout', async () => {
    const head = header()
    const signature = await sign(head, async function* () {
      yield Buffer.from('Hello\r\n')
    })
    const message = Buffer.from(`${signature}${head}\r\nHello\r\n`, 'latin1')
    for (const m of ['junk', 'mismatch', 'many'] as const) {
      mode = m
      const source = dnsKeySource(createResolver({ server: `127.0.0.1:${port}`, timeoutMs: 1_000 }))
      const { value, ms } = await measured(() => outcome(message, source))
      const result = (value as DkimReport).signatures[0]?.result
      expect([m, result]).toEqual([m, expect.stringMatching(/^(temperror|permerror)$/)])
      expect(ms).toBeLessThan(3_000)
    }
  })
})
