// Flaws that need more than a config line in Dovecot or Exim. PREAUTH: Dovecot's imap binary
// run pre-authenticated per connection (as over ssh), socat acting as inetd. `pipes`: the imap
// binary refuses a socket on stdin ("must not be started from inetd"), pipes it accepts.
// (The other flawed servers are configured in dovecot.ts and exim.ts.)
import path from 'node:path'
import { confFile as dovecotConf } from './dovecot.js'
import type { LabPaths } from './state.js'
import { ADDR, PORT, USER } from './topology.js'

export const DOVECOT_IMAP = '/usr/lib/dovecot/imap'

export function preauthPidFile(p: LabPaths): string {
  return path.join(p.run, 'preauth-socat.pid')
}

export function preauthLog(p: LabPaths): string {
  return path.join(p.log, 'preauth.log')
}

export function preauthArgs(p: LabPaths): string[] {
  // socat's EXEC splits on spaces: the state dir must not contain any (checked in preflight).
  return [
    '-d',
    `TCP-LISTEN:${PORT.imap},bind=${ADDR.preauth},reuseaddr,fork`,
    `EXEC:${DOVECOT_IMAP} -c ${dovecotConf(p, 'main')} -u ${USER.address},pipes,stderr`,
  ]
}
