// The seam between the OAuth 2.0 session (core/oauth) and its users (the tunnel's sign-in gate):
// a source of access tokens for one account, and why none could be had.

/** Why no access token could be had; the id decides, the sentence explains. */
export type OAuthFailureId =
  /** No refresh token is stored, or the provider refused it (invalid_grant): sign in again. */
  | 'needs-authorization'
  /** The token endpoint answered another error (invalid_client, unauthorized_client, AADSTS…). */
  | 'provider-refused'
  /** The token endpoint could not be reached (DNS, connection, TLS, timeout). */
  | 'provider-unreachable'

export class OAuthError extends Error {
  constructor(
    readonly id: OAuthFailureId,
    message: string,
    /** The provider's own error code (`invalid_grant`, `AADSTS70000`), when it gave one. */
    readonly providerCode: string | null = null,
  ) {
    super(message)
    this.name = 'OAuthError'
  }
}

export interface AccessTokenSource {
  /** The mail address the upstream login is for (XOAUTH2 `user=`, OAUTHBEARER `a=`). */
  readonly address: string
  /**
   * A valid access token: the cached one while it has more than a minute left, else a refreshed
   * one (one refresh at a time per account). `force`: refresh even if the cached one looks valid,
   * because the server refused it. Throws OAuthError.
   */
  accessToken(options?: { force?: boolean; signal?: AbortSignal }): Promise<string>
}
