// Write-then-rename, so a crash or a full disk leaves either the old file or the new one,
// never half of each. The temp file sits in the same directory so rename(2) is atomic.
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import path from 'node:path'

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  )
  const handle = await open(tmp, 'wx', 0o600)
  try {
    await handle.writeFile(data, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
  // Persist the rename itself; not every platform lets a directory be opened, hence the catch.
  const dir = await open(path.dirname(file), 'r').catch(() => null)
  if (dir) {
    await dir.sync().catch(() => {})
    await dir.close()
  }
}
