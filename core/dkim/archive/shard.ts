// `--shard I/N`: the I-th of N disjoint parts of the input, so that a tool that already splits work
// (GNU parallel, a Kubernetes Job array, Spark's pipe()) can verify an archive of any size on many
// machines, each with the same key snapshot (--keys), and the parts together are exactly one run.
// A file belongs to a part by its path (a hash, so listing order does not matter); a message of an
// mbox by its position in that mbox (scanning is deterministic).
import type { ArchiveItem } from './sources.js'

export interface Shard {
  /** 1-based. */
  index: number
  count: number
}

/** The most parts an input is split into; more is a mistake in the command line. */
export const MAX_SHARDS = 1_000_000

/** "I/N" with 1 <= I <= N <= MAX_SHARDS; null when the text is not that. */
export function parseShard(text: string): Shard | null {
  const match = /^(\d{1,7})\/(\d{1,7})$/.exec(text)
  if (!match) return null
  const index = Number(match[1])
  const count = Number(match[2])
  if (count < 1 || count > MAX_SHARDS || index < 1 || index > count) return null
  return { index, count }
}

/** FNV-1a over the path's UTF-16 units: stable across machines, runs and listing orders. */
function pathHash(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** Keeps the items of one part; an unreadable path is reported by the part its path falls in. */
export async function* shardItems(
  items: AsyncIterable<ArchiveItem>,
  shard: Shard,
): AsyncGenerator<ArchiveItem> {
  const want = shard.index - 1
  let mboxPath: string | null = null
  let position = 0
  for await (const item of items) {
    if (item.kind === 'mbox') {
      if (item.path !== mboxPath) {
        mboxPath = item.path
        position = 0
      }
      if (position++ % shard.count === want) yield item
    } else if (pathHash(item.path) % shard.count === want) yield item
  }
}
