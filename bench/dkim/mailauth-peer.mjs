// mailauth 7.1 as a user would script it, one message after another in one thread:
// `node bench/dkim/mailauth-peer.mjs TARGET KEYFILE` walks a Maildir (cur/, new/) or a directory of
// .eml files, or reads an mbox (mboxrd) and splits it the simple way, verifies each message with
// dkimVerify and a resolver that answers from the key file (no DNS), and prints
// {"messages", "passed", "failures"} as JSON. The benchmark also imports verifyAll for mailauth's
// in-process loop, so the loop and the process do the same work but for the process's start-up.
import { readFileSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'

/** A mailauth resolver answering TXT queries from `NAME TXT-VALUE` lines. */
export function keyResolver(keyFileText) {
  const records = new Map()
  for (const line of keyFileText.split(/\r?\n/)) {
    const space = line.indexOf(' ')
    if (space > 0) records.set(line.slice(0, space).toLowerCase(), [[line.slice(space + 1)]])
  }
  return async (name, rrtype) => {
    const found = rrtype === 'TXT' ? records.get(name.toLowerCase().replace(/\.$/, '')) : undefined
    if (!found) throw Object.assign(new Error(`${name} is not in the key file`), { code: 'ENOTFOUND' })
    return found
  }
}

async function isDirectory(p) {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false
}

/**
 * A Maildir's new/ and cur/ files, or a directory's .eml files. Read synchronously: one after
 * another either way, and fs.promises.readFile costs ~0.3 ms a file here (20 times readFileSync),
 * which would slow mailauth's loop by a third on 1 KB messages and flatter every ratio to it.
 */
async function* filesOf(dir) {
  const maildir = (await isDirectory(path.join(dir, 'cur'))) && (await isDirectory(path.join(dir, 'new')))
  for (const folder of maildir ? [path.join(dir, 'new'), path.join(dir, 'cur')] : [dir])
    for (const name of await readdir(folder))
      if (maildir || name.endsWith('.eml')) yield readFileSync(path.join(folder, name))
}

/** The messages of an mboxrd file: every line that starts with "From " is a separator. */
async function* mboxMessages(file) {
  const data = readFileSync(file)
  const starts = [0]
  for (let at = data.indexOf('\nFrom '); at >= 0; at = data.indexOf('\nFrom ', at + 1)) starts.push(at + 1)
  starts.push(data.length)
  for (let i = 0; i + 1 < starts.length; i++) {
    const begin = data.indexOf('\n', starts[i]) + 1
    let end = starts[i + 1]
    // The empty line before the next From_ line belongs to the mbox.
    if (data[end - 1] === 0x0a) end -= data[end - 2] === 0x0d ? 2 : 1
    const message = data.subarray(begin, end)
    yield message.includes('>From ')
      ? Buffer.from(message.toString('latin1').replace(/(^|\n)>(>*From )/g, '$1$2'), 'latin1')
      : message
  }
}

export async function verifyAll(target, keyFileText) {
  const resolver = keyResolver(keyFileText)
  const messages = (await stat(target)).isDirectory() ? filesOf(target) : mboxMessages(target)
  let count = 0
  let passed = 0
  const failures = []
  for await (const message of messages) {
    count++
    const { results } = await dkimVerify(message, { resolver, strict: true })
    if (results.length > 0 && results.every((r) => r.status.result === 'pass')) passed++
    else if (failures.length < 3)
      failures.push(
        results.map((r) => `${r.status.result} ${r.status.comment ?? ''}`).join('; ') || 'no signature',
      )
  }
  return { messages: count, passed, failures }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [target, keyFile] = process.argv.slice(2)
  const result = await verifyAll(target, await readFile(keyFile, 'utf8'))
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
