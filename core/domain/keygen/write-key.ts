// Writing a private key: created by this call with mode 0600 (flag wx: an existing file, or a
// symlink planted where the key should go, is an error and nothing is overwritten).
import { open, unlink } from 'node:fs/promises'

export class KeyFileExistsError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} already exists; a key file is never overwritten (choose another --out, or move the old key away).`,
    )
  }
}

export class KeyFileWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Cannot write the key file ${path}: ${reason}.`)
  }
}

/** Creates `path` with mode 0600 and writes `pem`; throws KeyFileExistsError if it exists. */
export async function writeKeyFile(path: string, pem: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'wx', 0o600)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new KeyFileExistsError(path)
    throw new KeyFileWriteError(path, code === 'ENOENT' ? 'no such directory' : (error as Error).message)
  }
  try {
    // The umask cannot widen 0600, but a umask of 0 with an odd default could: set it outright.
    await handle.chmod(0o600)
    await handle.writeFile(pem, 'utf8')
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(path).catch(() => {})
    throw new KeyFileWriteError(path, (error as Error).message)
  }
  await handle.close()
}

/** Writes several keys; all or none (a file written before a later one fails is removed). */
export async function writeKeyFiles(files: { path: string; pem: string }[]): Promise<void> {
  const written: string[] = []
  try {
    for (const f of files) {
      await writeKeyFile(f.path, f.pem)
      written.push(f.path)
    }
  } catch (error) {
    for (const p of written) await unlink(p).catch(() => {})
    throw error
  }
}
