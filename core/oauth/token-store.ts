// Where an OAuth account's secrets live: the OS keychain only (service "Mailwarden"), under
// `oauth-refresh:<accountId>` (the refresh token) and `oauth-client-secret:<accountId>` (only when
// the provider demands a secret). The access token is never stored (session.ts keeps it in memory).
import type { Keychain } from '../keychain/keychain.js'

export const refreshTokenEntry = (accountId: string) => `oauth-refresh:${accountId}`
export const clientSecretEntry = (accountId: string) => `oauth-client-secret:${accountId}`

export class TokenStore {
  constructor(private readonly keychain: Keychain) {}

  refreshToken(accountId: string): Promise<string | null> {
    return this.keychain.get(refreshTokenEntry(accountId))
  }
  async setRefreshToken(accountId: string, token: string): Promise<void> {
    await this.keychain.set(refreshTokenEntry(accountId), token)
  }
  deleteRefreshToken(accountId: string): Promise<boolean> {
    return this.keychain.delete(refreshTokenEntry(accountId))
  }
  clientSecret(accountId: string): Promise<string | null> {
    return this.keychain.get(clientSecretEntry(accountId))
  }
  async setClientSecret(accountId: string, secret: string): Promise<void> {
    await this.keychain.set(clientSecretEntry(accountId), secret)
  }
  deleteClientSecret(accountId: string): Promise<boolean> {
    return this.keychain.delete(clientSecretEntry(accountId))
  }
  /** Both entries; true when either existed. */
  async deleteAll(accountId: string): Promise<boolean> {
    const [a, b] = await Promise.all([this.deleteRefreshToken(accountId), this.deleteClientSecret(accountId)])
    return a || b
  }
}
