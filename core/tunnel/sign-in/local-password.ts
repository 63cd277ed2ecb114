// The client's login to an OAuth tunnel: its password is compared with the tunnel's local password
// (keychain `tunnel-password:<tunnelId>`) in constant time over SHA-256 digests (equal lengths
// whatever was typed, so neither the length nor a common prefix shows in the timing), and its user
// name must be the account's address (case-insensitive): a client set up for another mailbox is
// told at once instead of reading someone else's mail.
import { createHash, timingSafeEqual } from 'node:crypto'

/** The keychain account name of a tunnel's local password. */
export function localPasswordSecretName(tunnelId: string): string {
  return `tunnel-password:${tunnelId}`
}

export function passwordDigest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest()
}

/** True when the user is the address and the password's digest is the stored one. */
export function checkLocalLogin(
  login: { user: string; password: string },
  expected: { address: string; digest: Buffer | null },
): boolean {
  // Computed in every case, so a missing password or a wrong user takes the time a check takes.
  const same = timingSafeEqual(passwordDigest(login.password), expected.digest ?? passwordDigest('\0'))
  const userMatches = login.user.trim().toLowerCase() === expected.address.trim().toLowerCase()
  return expected.digest !== null && same && userMatches
}
