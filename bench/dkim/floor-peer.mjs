// The floor: the least any DKIM verifier in Node must do for a message, as a process of its own on
// every core, start-up included. Per message: read it (readFileSync for a file; one thread's share of
// an mbox read in one go), SHA-256 over its body and over its header block, and one signature
// check with the message's own key (over the header block, not the canonical one: the same cost).
// No parsing, canonicalization, unescaping, findings or output. Nothing built on Node can go faster
// through the front door: `node bench/dkim/floor-peer.mjs TARGET KEYFILE [THREADS]` prints
// {"messages", "passed", "failures"} like the other peers, "passed" counting messages handled.

import { createHash, createPublicKey, verify } from 'node:crypto'
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/** The public keys of a key file ("NAME TXT-VALUE" lines) by key type. */
function keysOf(keyFile) {
  const keys = {}
  for (const line of readFileSync(keyFile, 'utf8').split('\n')) {
    const match = /k=(rsa|ed25519);\s*p=([A-Za-z0-9+/=]+)/.exec(line)
    if (!match) continue
    const der = Buffer.from(match[2], 'base64')
    const spki = match[1] === 'ed25519' ? Buffer.concat([ED25519_SPKI_PREFIX, der]) : der
    keys[match[1]] = createPublicKey({ key: spki, format: 'der', type: 'spki' })
  }
  return keys
}

/** The floor's work on one message. */
function handle(message, keys) {
  let split = message.indexOf('\r\n\r\n')
  if (split < 0) split = message.indexOf('\n\n')
  const header = message.subarray(0, split < 0 ? message.length : split)
  createHash('sha256')
    .update(message.subarray(split < 0 ? message.length : split))
    .digest()
  const b = /\bb=([A-Za-z0-9+/=\s]+)/.exec(header.toString('latin1', 0, Math.min(header.length, 8192)))
  const signature = Buffer.from((b?.[1] ?? '').replace(/\s/g, ''), 'base64')
  if (header.includes('a=ed25519-sha256'))
    verify(null, createHash('sha256').update(header).digest(), keys.ed25519, signature)
  else verify('sha256', header, keys.rsa, signature)
}

/** This thread's share of an mbox: the messages whose From_ line starts in [start, end). */
function mboxShare(file, start, end, keys) {
  // From the byte before `start`, so that a From_ line right at `start` is seen with its newline.
  const base = Math.max(0, start - 1)
  const fd = openSync(file, 'r')
  let data
  try {
    const size = fstatSync(fd).size
    const chunks = []
    let at = base
    // The range, then on until a From_ line after it: where the range's last message ends.
    while (at < size) {
      const chunk = Buffer.allocUnsafe(Math.min(at < end ? end - at : 1024 * 1024, size - at))
      const read = readSync(fd, chunk, 0, chunk.length, at)
      if (read === 0) break
      chunks.push(chunk.subarray(0, read))
      at += read
      if (at > end && chunk.subarray(0, read).includes('\nFrom ')) break
    }
    data = Buffer.concat(chunks)
  } finally {
    closeSync(fd)
  }
  const limit = end - base
  let from = start === 0 ? 0 : data.indexOf('\nFrom ') + 1
  if (start !== 0 && from === 0) return 0
  let count = 0
  while (from > -1 && from < limit) {
    const next = data.indexOf('\nFrom ', from)
    handle(data.subarray(data.indexOf('\n', from) + 1, next < 0 ? data.length : next), keys)
    count++
    from = next < 0 ? -1 : next + 1
  }
  return count
}

function maildirFiles(dir) {
  const cur = path.join(dir, 'cur')
  const folders = statSync(cur, { throwIfNoEntry: false })?.isDirectory()
    ? [path.join(dir, 'new'), cur]
    : [dir]
  return folders.flatMap((folder) => readdirSync(folder).map((name) => path.join(folder, name)))
}

if (isMainThread) {
  const [target, keyFile, threadsArg] = process.argv.slice(2)
  const threads = Number(threadsArg ?? os.availableParallelism())
  const isDirectory = statSync(target).isDirectory()
  const files = isDirectory ? maildirFiles(target) : []
  const size = isDirectory ? 0 : statSync(target).size
  const counts = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const share = isDirectory
        ? { files: files.filter((_, n) => n % threads === i) }
        : {
            mbox: target,
            start: Math.floor((size * i) / threads),
            end: Math.floor((size * (i + 1)) / threads),
          }
      const worker = new Worker(new URL(import.meta.url), { workerData: { keyFile, ...share } })
      return new Promise((resolve, reject) => {
        worker.once('message', resolve)
        worker.once('error', reject)
      })
    }),
  )
  const messages = counts.reduce((a, b) => a + b, 0)
  process.stdout.write(`${JSON.stringify({ messages, passed: messages, failures: [] })}\n`)
} else {
  const keys = keysOf(workerData.keyFile)
  let count = 0
  if (workerData.files) {
    for (const file of workerData.files) {
      handle(readFileSync(file), keys)
      count++
    }
  } else count = mboxShare(workerData.mbox, workerData.start, workerData.end, keys)
  parentPort.postMessage(count)
}
