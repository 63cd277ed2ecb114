// A 100 MB body streams: memory stays flat and the signature (made here with node:crypto, simple
// canonicalization so the signed bytes are written out by hand, not by the verifier's code) passes.
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { keyFileSource, verifyMessage } from './index.js'

const LINE = Buffer.from('All work and no play makes Jack a dull boy. 0123456789 abcdefghijklmnop\r\n')
const CHUNK = Buffer.concat(Array.from({ length: 900 }, () => LINE)) // ~65 KB
const CHUNKS = Math.ceil((100 * 1024 * 1024) / CHUNK.length)

describe('streaming', () => {
  it('verifies a 100 MB message with flat memory', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    // simple body canonicalization of CRLF lines ending in CRLF is the body itself.
    const bh = createHash('sha256')
    for (let i = 0; i < CHUNKS; i++) bh.update(CHUNK)
    const head = 'From: big@example.org\r\nTo: you@example.net\r\nSubject: big\r\n'
    const unsigned = `DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=example.org; s=big; h=from:to:subject; bh=${bh.digest('base64')}; b=`
    const b = sign('sha256', Buffer.from(head + unsigned), privateKey).toString('base64')
    const header = Buffer.from(`${head}${unsigned}${b}\r\n\r\n`)
    const keys = keyFileSource(
      `big._domainkey.example.org v=DKIM1; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
    )

    const start = process.memoryUsage()
    let peak = 0
    async function* message() {
      yield header
      for (let i = 0; i < CHUNKS; i++) {
        if (i % 64 === 0) {
          const now = process.memoryUsage()
          peak = Math.max(peak, now.heapUsed + now.arrayBuffers - start.heapUsed - start.arrayBuffers)
        }
        // The same buffer every time, as a stream reader reusing its buffer would.
        yield CHUNK
      }
    }
    const report = await verifyMessage(message(), { keys })
    expect(report.signatures[0]).toMatchObject({
      result: 'pass',
      body: { totalBytes: CHUNKS * CHUNK.length },
    })
    expect(report.bodyBytes).toBe(CHUNKS * CHUNK.length)
    // The body is 100 MB; the verifier keeps at most 4 MiB of it (for explanations) and 2 chunks.
    expect(peak).toBeLessThan(48 * 1024 * 1024)
  }, 60_000)
})
