import { useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { Loading } from '../../components/ConnectionBanner.js'
import {
  selectAccountsLoadError,
  selectAccountsLoaded,
  selectSavedAccounts,
  useAccountsStore,
} from '../../stores/accounts.js'
import { AccountRow } from './AccountRow.js'
import { ImportThunderbird } from './ImportThunderbird.js'

/** The saved accounts, each with Re-check, Test login and Delete; Re-check all; the Thunderbird import. */
export function SavedAccounts() {
  const accounts = useAccountsStore(useShallow(selectSavedAccounts))
  const loaded = useAccountsStore(selectAccountsLoaded)
  const loadError = useAccountsStore(selectAccountsLoadError)
  const recheck = useAccountsStore((s) => s.recheck)
  const [status, setStatus] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null })
  const heading = useRef<HTMLHeadingElement>(null)

  async function recheckAll() {
    if (status.busy) return
    setStatus({ busy: true, error: null })
    const result = await recheck()
    setStatus({ busy: false, error: result.ok ? null : result.message })
  }

  return (
    <section className="card" aria-labelledby="saved-accounts-title">
      <h2 id="saved-accounts-title" ref={heading} tabIndex={-1}>
        Saved accounts
      </h2>
      {loadError ? (
        <p className="status-error" role="alert">
          The saved accounts could not be read: {loadError}
        </p>
      ) : !loaded ? (
        <Loading what="the saved accounts" />
      ) : accounts.length === 0 ? (
        <p className="muted">No accounts saved yet. Probe an account, then save it from its results.</p>
      ) : (
        <>
          <div className="form-actions">
            <button type="button" className="button" onClick={() => void recheckAll()}>
              Re-check all accounts
            </button>
            <p role="status" className="muted small">
              {status.busy && 'Checking every saved server again…'}
            </p>
          </div>
          {status.error && (
            <p className="status-error" role="alert">
              {status.error}
            </p>
          )}
          <ul className="item-list" aria-labelledby="saved-accounts-title">
            {accounts.map((account) => (
              // After a delete the row is gone; focus goes to the heading instead of the page's top.
              <AccountRow key={account.id} account={account} onDeleted={() => heading.current?.focus()} />
            ))}
          </ul>
        </>
      )}
      <ImportThunderbird />
    </section>
  )
}
