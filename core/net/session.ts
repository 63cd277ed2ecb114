// A plaintext (or TLS) conversation with a mail server: the bounded reader, a writer that adds
// CRLF, and a short transcript for reports. Each protocol's dialogue (dialogues/*.ts) drives one.
import type { Duplex } from 'node:stream'
import { MAX_TRANSCRIPT_LINE_CHARS, MAX_TRANSCRIPT_LINES } from './limits.js'
import { type LineLimits, LineReader } from './line-reader.js'

export interface TranscriptLine {
  from: 'client' | 'server'
  text: string
}

export interface Session {
  readonly where: string
  readonly socket: Duplex
  readonly reader: LineReader
  readonly transcript: TranscriptLine[]
  /** The next line from the server (recorded in the transcript). */
  read(): Promise<string>
  /** Sends one command line; CRLF is added. `shown` replaces it in the transcript (secrets). */
  write(line: string, shown?: string): void
  /** IMAP tags: a1, a2, ... */
  nextTag(): string
}

function record(transcript: TranscriptLine[], from: TranscriptLine['from'], text: string): void {
  if (transcript.length >= MAX_TRANSCRIPT_LINES) return
  const clipped =
    text.length > MAX_TRANSCRIPT_LINE_CHARS ? `${text.slice(0, MAX_TRANSCRIPT_LINE_CHARS)}…` : text
  transcript.push({ from, text: clipped })
}

export function openSession(
  socket: Duplex,
  where: string,
  options: { limits?: Partial<LineLimits>; signal?: AbortSignal; transcript?: TranscriptLine[] } = {},
): Session {
  const reader = new LineReader(socket, where, options.limits, options.signal)
  const transcript = options.transcript ?? []
  let tag = 0
  return {
    where,
    socket,
    reader,
    transcript,
    async read() {
      const line = await reader.readLine()
      record(transcript, 'server', line)
      return line
    },
    write(line, shown) {
      record(transcript, 'client', shown ?? line)
      socket.write(`${line}\r\n`)
    },
    nextTag: () => `a${++tag}`,
  }
}
