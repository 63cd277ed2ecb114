// The OAuth 2.0 accounts as the engine reports them (oauth.providers, oauth.accounts, then
// oauth.status / oauth.deleted events), and the one sign-in this window runs at a time (the
// oauth.authorize long run: a URL to open in the browser, or a user code to show).
import { create } from 'zustand'
import type {
  EventPayload,
  OAuthAccount,
  OAuthAccountState,
  OAuthAuthorizeProgress,
  OAuthFlowId,
  OAuthProviderInfo,
} from '../../shared/contract/index.js'
import { type ActionResult, api, errorMessage, failed } from '../client.js'
import { type RunHandlers, RunTracker } from './run-tracker.js'

export const SIGN_IN_LINK_LOST =
  'The link to Mailwarden’s engine was lost during the sign-in; start it again once it is back.'

/** The sign-in being run: which account, how, and what the engine asked the user to do. */
export interface SignIn {
  accountId: string
  flow: OAuthFlowId
  status: 'running' | 'done' | 'failed' | 'cancelled'
  /** The engine's last instruction: open this URL, or enter this code. */
  step: OAuthAuthorizeProgress | null
  error: string | null
}

/** Opens the provider's page: made by the component that started the sign-in (a user gesture). */
export interface PageOpener {
  open(url: string): void
  /** The run ended without a page to show: close what was opened for it. */
  abandon(): void
}

/** A sign-in without a browser (the device flow) opens nothing. */
export const NO_PAGE: PageOpener = { open: () => {}, abandon: () => {} }

interface OAuthStore {
  providers: OAuthProviderInfo[]
  accounts: OAuthAccountState[]
  loaded: boolean
  loadError: string | null
  signIn: SignIn | null
  load(): Promise<void>
  save(account: OAuthAccount, clientSecret?: string | null): Promise<ActionResult>
  remove(id: string): Promise<ActionResult>
  logout(id: string): Promise<{ ok: true; message: string } | { ok: false; message: string }>
  startSignIn(accountId: string, flow: OAuthFlowId, open: PageOpener): Promise<void>
  cancelSignIn(): Promise<void>
  dismissSignIn(): void
  receiveStatus(state: OAuthAccountState): void
  receiveDeleted(event: { id: string }): void
  receiveProgress(event: EventPayload<'oauth.authorize.progress'>): void
  receiveFinished(event: EventPayload<'oauth.authorize.finished'>): void
  reset(): void
}

const runs = new RunTracker<OAuthAuthorizeProgress, OAuthAccountState>({
  heldMax: 20,
  linkLost: SIGN_IN_LINK_LOST,
})

const initial = { providers: [], accounts: [], loaded: false, loadError: null, signIn: null }

function upsert(accounts: OAuthAccountState[], state: OAuthAccountState): OAuthAccountState[] {
  const at = accounts.findIndex((a) => a.account.id === state.account.id)
  if (at === -1) return [...accounts, state]
  return accounts.map((a, i) => (i === at ? state : a))
}

/** "Signed in as …" stays only while it is true: a sign-out or a refused token ends it. */
function staleDone(signIn: SignIn | null, state: OAuthAccountState): SignIn | null {
  if (signIn?.status === 'done' && signIn.accountId === state.account.id && state.state !== 'signed-in')
    return null
  return signIn
}

/** A free account id from the address: "alice@example.com" → "alice-example-com" (then -2, -3…). */
export function accountIdFor(address: string, taken: readonly string[]): string {
  const base =
    address
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'account'
  let id = base
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`
  return id
}

export const useOAuthStore = create<OAuthStore>()((set, get) => {
  function handlers(open: PageOpener): RunHandlers<OAuthAuthorizeProgress, OAuthAccountState> {
    return {
      progress: (step) => {
        const current = get().signIn
        if (current?.status !== 'running') return
        set({ signIn: { ...current, step } })
        if (step.phase === 'open-browser') open.open(step.url)
      },
      finished: (outcome) => {
        const current = get().signIn
        if (outcome.status !== 'done') open.abandon()
        if (current?.status !== 'running') return
        if (outcome.status === 'done')
          set((s) => ({
            accounts: upsert(s.accounts, outcome.result),
            signIn: { ...current, status: 'done', step: null },
          }))
        else if (outcome.status === 'cancelled')
          set({ signIn: { ...current, status: 'cancelled', step: null } })
        else set({ signIn: { ...current, status: 'failed', step: null, error: outcome.error.message } })
      },
    }
  }

  return {
    ...initial,
    async load() {
      try {
        const [{ providers }, { accounts }] = await Promise.all([
          api().oauth.providers({}),
          api().oauth.accounts({}),
        ])
        set({ providers, accounts, loaded: true, loadError: null })
      } catch (error) {
        set({ loaded: true, loadError: errorMessage(error) })
      }
    },
    async save(account, clientSecret) {
      try {
        const state = await api().oauth['account.save']({
          account,
          ...(clientSecret !== undefined ? { clientSecret } : {}),
        })
        set((s) => ({ accounts: upsert(s.accounts, state) }))
        return { ok: true }
      } catch (error) {
        return failed(error)
      }
    },
    async remove(id) {
      try {
        await api().oauth['account.delete']({ id })
        get().receiveDeleted({ id })
        return { ok: true }
      } catch (error) {
        return failed(error)
      }
    },
    async logout(id) {
      try {
        const result = await api().oauth.logout({ id })
        set((s) => ({
          accounts: upsert(s.accounts, result.state),
          signIn: staleDone(s.signIn, result.state),
        }))
        return { ok: true, message: result.message }
      } catch (error) {
        return failed(error)
      }
    },
    async startSignIn(accountId, flow, open) {
      set({ signIn: { accountId, flow, status: 'running', step: null, error: null } })
      try {
        await runs.start(() => api().oauth.authorize({ accountId, flow }), handlers(open))
      } catch (error) {
        open.abandon()
        const current = get().signIn
        if (current?.accountId === accountId && current.status === 'running')
          set({ signIn: { ...current, status: 'failed', error: errorMessage(error) } })
      }
    },
    async cancelSignIn() {
      const current = get().signIn
      if (current?.status !== 'running') return
      set({ signIn: { ...current, status: 'cancelled', step: null } })
      await runs.cancel().catch(() => {})
    },
    dismissSignIn: () => set({ signIn: null }),
    receiveStatus: (state) =>
      set((s) => ({ accounts: upsert(s.accounts, state), signIn: staleDone(s.signIn, state) })),
    receiveDeleted: ({ id }) =>
      set((s) => ({
        accounts: s.accounts.filter((a) => a.account.id !== id),
        signIn: s.signIn?.accountId === id ? null : s.signIn,
      })),
    receiveProgress: (event) => runs.receiveProgress(event),
    receiveFinished: (event) => runs.receiveFinished(event),
    reset() {
      runs.reset()
      set(initial)
    },
  }
})

export const selectOAuthAccounts = (s: OAuthStore) => s.accounts
