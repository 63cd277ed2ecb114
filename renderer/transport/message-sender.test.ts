// How the page hands over a message: inline base64 that decodes to the exact bytes, and for the
// browser tab an upload (token in the Authorization header) past the inline cap, with the host's
// refusals passed on as sentences. The real route is exercised by e2e/ui/dkim.spec.ts.
import { describe, expect, it } from 'vitest'
import {
  ApiError,
  INLINE_MESSAGE_MAX_BYTES,
  MESSAGE_SOURCE_MAX_BYTES,
  MessageSource,
  UPLOAD_PATH,
} from '../../shared/contract/index.js'
import { createInlineSender, createUploadSender, toBase64 } from './message-sender.js'

const TOKEN = 'cd'.repeat(32)
const UPLOAD_ID = `up-${'a1'.repeat(16)}`

interface Seen {
  url: string
  init: RequestInit
}

function fakeFetch(status: number, body: unknown, seen: Seen[] = []) {
  return async (url: string, init: RequestInit) => {
    seen.push({ url, init })
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }
}

function bytes(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 7 + 3) % 256
  return out
}

describe('toBase64', () => {
  it('encodes every byte value, across its internal chunks, to what Node decodes back exactly', () => {
    for (const length of [0, 1, 2, 3, 255, 49_151, 49_152, 49_153, 200_001]) {
      const input = bytes(length)
      expect(Buffer.from(toBase64(input), 'base64').equals(Buffer.from(input)), `length ${length}`).toBe(true)
    }
  })
})

describe('the browser tab’s sender', () => {
  it('sends a message within the inline cap as base64, without uploading', async () => {
    const seen: Seen[] = []
    const sender = createUploadSender(() => TOKEN, fakeFetch(500, {}, seen))
    const source = await sender.send(bytes(INLINE_MESSAGE_MAX_BYTES), 'small.eml')
    expect(source.kind).toBe('base64')
    expect(MessageSource.safeParse(source).success).toBe(true)
    expect(seen).toEqual([])
  })

  it('uploads a larger message with the token and names the upload', async () => {
    const seen: Seen[] = []
    const receipt = {
      uploadId: UPLOAD_ID,
      size: INLINE_MESSAGE_MAX_BYTES + 1,
      expiresAt: '2026-01-01T00:10:00Z',
    }
    const sender = createUploadSender(() => TOKEN, fakeFetch(201, receipt, seen))
    const message = bytes(INLINE_MESSAGE_MAX_BYTES + 1)
    const source = await sender.send(message, 'big.eml')
    expect(source).toEqual({ kind: 'upload', uploadId: UPLOAD_ID, name: 'big.eml' })
    expect(seen).toHaveLength(1)
    expect(seen[0].url).toBe(UPLOAD_PATH)
    expect(seen[0].init.method).toBe('POST')
    expect((seen[0].init.headers as Record<string, string>).Authorization).toBe(`Bearer ${TOKEN}`)
    const sent = new Uint8Array(await (seen[0].init.body as Blob).arrayBuffer())
    expect(Buffer.from(sent).equals(Buffer.from(message))).toBe(true)
  })

  it('passes the host’s refusal on as its sentence and code', async () => {
    const sender = createUploadSender(
      () => TOKEN,
      fakeFetch(413, { error: 'The message is larger than Mailwarden accepts (64 MiB).' }),
    )
    const error = await sender.send(bytes(INLINE_MESSAGE_MAX_BYTES + 10), 'x.eml').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      code: 'too-large',
      message: 'The message is larger than Mailwarden accepts (64 MiB).',
    })
  })

  it('refuses without a token, and says so when the host is unreachable or answers nonsense', async () => {
    const noToken = createUploadSender(() => null, fakeFetch(201, {}))
    await expect(noToken.send(bytes(INLINE_MESSAGE_MAX_BYTES + 1), 'x.eml')).rejects.toMatchObject({
      code: 'forbidden',
    })
    const down = createUploadSender(
      () => TOKEN,
      () => Promise.reject(new TypeError('Failed to fetch')),
    )
    await expect(down.send(bytes(INLINE_MESSAGE_MAX_BYTES + 1), 'x.eml')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('still running'),
    })
    const odd = createUploadSender(() => TOKEN, fakeFetch(201, { uploadId: '../etc/passwd' }))
    await expect(odd.send(bytes(INLINE_MESSAGE_MAX_BYTES + 1), 'x.eml')).rejects.toMatchObject({
      code: 'internal',
    })
  })
})

describe('the desktop sender', () => {
  it('sends inline past the WebSocket cap, up to the engine’s bound, and refuses beyond it', async () => {
    const sender = createInlineSender()
    expect(sender.inlineMaxBytes).toBe(MESSAGE_SOURCE_MAX_BYTES)
    const source = await sender.send(bytes(2 * 1024 * 1024), 'big.eml')
    expect(MessageSource.parse(source).kind).toBe('base64')
    const small = createInlineSender(1000)
    await expect(small.send(bytes(1001), 'x.eml')).rejects.toMatchObject({ code: 'too-large' })
  })
})
