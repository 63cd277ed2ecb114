// oidc-provider 8 ships no type declarations (there is no @types package for 8.x): the small part
// of its API the lab uses, typed here. Loose `unknown`s where the lab does not look inside.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface ClientLike {
    clientId: string
    grantTypeAllowed(type: string): boolean
  }

  export interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<Record<string, unknown>>
  }

  export interface InteractionDetails {
    uid: string
    grantId?: string
    params: Record<string, unknown> & { client_id?: string; scope?: string }
    prompt: {
      name: string
      reasons: string[]
      details: {
        missingOIDCScope?: string[]
        missingOIDCClaims?: string[]
        missingResourceScopes?: Record<string, string[]>
      }
    }
    session?: { accountId?: string }
  }

  export interface Grant {
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: string[]): void
    addResourceScope(resource: string, scope: string): void
    save(): Promise<string>
  }

  export type Configuration = Record<string, unknown> & {
    clients?: Record<string, unknown>[]
    findAccount?: (ctx: unknown, sub: string) => Promise<Account | undefined>
    issueRefreshToken?: (ctx: unknown, client: ClientLike, code: unknown) => Promise<boolean>
    ttl?: Record<string, number | ((ctx: unknown, token: unknown, client: ClientLike) => number)>
    interactions?: { url: (ctx: unknown, interaction: { uid: string }) => string }
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration)
    proxy: boolean
    Grant: {
      new (init: { accountId: string; clientId: string }): Grant
      find(id: string): Promise<Grant | undefined>
    }
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    on(event: string, listener: (...args: unknown[]) => void): this
  }
}
