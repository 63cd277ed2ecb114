// Where the lab keeps everything it creates. One directory, so `down` can clean exactly that.
import path from 'node:path'
import { labStateDir } from './lab.js'

export const stateDir = labStateDir

export function paths(root: string = stateDir()) {
  return {
    root,
    /** Written last by `up`: the Lab description tests read. */
    stateFile: path.join(root, 'state.json'),
    /** Written as each process starts, so `down` can stop a half-started lab. */
    processesFile: path.join(root, 'processes.json'),
    lockFile: path.join(root, 'lab.lock'),
    // Certificates and the DKIM key survive `down` so the next `up` is fast.
    certs: path.join(root, 'certs'),
    run: path.join(root, 'run'),
    log: path.join(root, 'log'),
    conf: path.join(root, 'conf'),
    spool: path.join(root, 'spool'),
    mail: path.join(root, 'mail'),
  }
}

export type LabPaths = ReturnType<typeof paths>
