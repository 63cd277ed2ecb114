// What the sign-in gate (gate.ts) asks of each protocol (imap.ts, pop3.ts, smtp.ts): read the
// server's greeting and capabilities, greet the client, answer its pre-login commands, take its
// login, and run the upstream SASL exchange with a token. The protocol writes every answer itself;
// the gate decides what a login comes to.
import type { UpstreamMechanism } from './sasl.js'

/** One side of the gate: lines and counted bytes in, text out. */
export interface Talk {
  line(): Promise<string>
  bytes(n: number): Promise<Buffer>
  write(text: string): void
}

export interface ClientLogin {
  user: string
  password: string
}

/** credentials: wrong user name or local password; refused: the server or the provider refused
 * (sign in again, or the reason said); temporary: try again later (provider unreachable). */
export type LoginFailure = 'credentials' | 'refused' | 'temporary'

export interface LoginAnswers {
  /** The line(s) for the client once the server accepted the token (given its final line). */
  success(serverLine: string): string
  /** The line(s) for the client when the login failed, with the reason in one sentence. */
  failure(kind: LoginFailure, sentence: string): string
}

export type ClientStep =
  /** Answered (or refused) here; the next command follows. */
  | { kind: 'answered' }
  /** The client said goodbye (answered); the connection ends. */
  | { kind: 'close' }
  /** A login to check; null: a malformed one (refused like a wrong password). */
  | { kind: 'login'; login: ClientLogin | null; answers: LoginAnswers }

export type UpstreamResult = { ok: true; line: string } | { ok: false; said: string }

export interface GateProtocol {
  /** Reads what the server says before a login that opening it did not read. */
  prepare(server: Talk): Promise<void>
  /** The client's greeting (the tunnel's own, offering what the gate accepts). */
  greeting(): string
  /** One command line of the client, answered (it may read more and talk to the server). */
  command(line: string, client: Talk, server: Talk): Promise<ClientStep>
  /** The SASL mechanisms the server offers (for mechanism 'auto'). */
  offered(): readonly string[]
  /** The upstream login: sends the initial response, answers a failure challenge, reads the end. */
  authenticate(server: Talk, mechanism: UpstreamMechanism, response: string): Promise<UpstreamResult>
}
