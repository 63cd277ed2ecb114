// Reads a secret from standard input: from a pipe as is, from a terminal without echo
// (raw mode, so the password never appears on screen or in a scrollback buffer).

/** Secrets are short; a cap keeps `cat bigfile | mailwarden secrets set x` from eating memory. */
const MAX_SECRET_BYTES = 64 * 1024

export async function readSecret(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of stdin) {
      size += (chunk as Buffer).length
      if (size > MAX_SECRET_BYTES)
        throw new Error('standard input is larger than 64 KiB; a secret is shorter')
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  }
  process.stderr.write('Secret (not shown; end with Enter): ')
  stdin.setRawMode(true)
  stdin.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = ''
      const onData = (data: Buffer) => {
        for (const char of data.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData)
            process.stderr.write('\n')
            resolve(secret)
            return
          }
          if (char === '\u0003') {
            stdin.off('data', onData)
            process.stderr.write('\n')
            reject(new Error('cancelled'))
            return
          }
          if (char === '\u007f' || char === '\b') secret = secret.slice(0, -1)
          else if (secret.length < MAX_SECRET_BYTES) secret += char
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}
