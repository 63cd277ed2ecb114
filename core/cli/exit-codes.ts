// Exit codes a script can rely on; documented in `mailwarden --help` and the README.
export const EXIT = {
  /** Done, and nothing to report. */
  ok: 0,
  /** Done, and what was checked is not good (a failing verdict). */
  findings: 1,
  /** The command line is wrong: unknown command, bad flag, invalid value. */
  usage: 2,
  /** The environment refused: no keychain, a port in use, an unwritable directory. */
  environment: 3,
  /** A bug in Mailwarden: please report it. */
  internal: 4,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  done, and what was checked is not good
  2  the command line is wrong
  3  the environment refused (no keychain, port in use, unwritable directory)
  4  internal error (a bug: please report it)`
