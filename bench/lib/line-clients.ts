// Bench clients for the line protocols, where legacy clients spend their bytes: a POP3 RETR of
// one large message and an SMTP DATA of one, through a relay (or straight over TLS). Each checks
// that every byte made it through, so a relay that loses or adds bytes fails the run.
import type { WireMessage } from './mail-text.js'
import { greeted, type Target } from './tunnel-clients.js'

const MIB = 1024 * 1024
const SLICE = 256 * 1024

/** MiB/s from sending "RETR 1" to the terminating "\r\n.\r\n" (the server serves `message`). */
export async function pop3Retr(target: Target, message: WireMessage): Promise<number> {
  const conn = await greeted(target)
  conn.socket.write('USER bench\r\n')
  await conn.wait('\r\n')
  conn.socket.write('PASS bench\r\n')
  await conn.wait('\r\n')
  const before = conn.received
  const started = process.hrtime.bigint()
  conn.socket.write('RETR 1\r\n')
  await conn.wait('\r\n.\r\n')
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const expected = `+OK ${message.octets} octets\r\n`.length + message.wire.length + '.\r\n'.length
  const got = conn.received - before
  conn.socket.write('QUIT\r\n')
  await conn.close()
  if (got !== expected) throw new Error(`${target.label}: RETR brought ${got} bytes, not ${expected}`)
  return message.wire.length / MIB / seconds
}

/**
 * MiB/s from sending DATA to the "250" after the message (MAIL and RCPT before are not timed).
 * `delivered()` reads the octets the server counted, checked against those sent.
 */
export async function smtpData(
  target: Target,
  message: WireMessage,
  delivered: () => number,
): Promise<number> {
  const conn = await greeted(target)
  for (const command of ['EHLO client.lab.test', 'MAIL FROM:<alice@lab.test>', 'RCPT TO:<bob@lab.test>']) {
    conn.socket.write(`${command}\r\n`)
    await conn.wait(command.startsWith('EHLO') ? '250 HELP\r\n' : '\r\n')
  }
  const started = process.hrtime.bigint()
  conn.socket.write('DATA\r\n')
  await conn.wait('354 ')
  for (let at = 0; at < message.wire.length; at += SLICE)
    if (!conn.socket.write(message.wire.subarray(at, at + SLICE)))
      await new Promise((r) => conn.socket.once('drain', r))
  conn.socket.write('.\r\n')
  await conn.wait('250 OK queued\r\n')
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  conn.socket.write('QUIT\r\n')
  await conn.close()
  const sent = message.wire.length + '.\r\n'.length
  if (delivered() !== sent)
    throw new Error(`${target.label}: DATA delivered ${delivered()} octets, not ${sent}`)
  return message.wire.length / MIB / seconds
}
