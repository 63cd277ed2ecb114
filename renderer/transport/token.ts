// The web host's per-launch key arrives in the address (#token=…). It is kept for this tab only
// (sessionStorage, so a reload works) and removed from the address bar so it is not shared by
// copying the URL, bookmarked or shown over someone's shoulder.
const STORAGE_KEY = 'mailwarden.token'
const TOKEN_PATTERN = /^[0-9a-f]{64}$/i

/** The token in the current address, if there is a well-formed one. */
function tokenInHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')
  return token !== null && TOKEN_PATTERN.test(token) ? token : null
}

function readStored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY)
  } catch {
    // Storage can be disabled; the page then works until it is reloaded.
    return null
  }
}

function store(token: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, token)
  } catch {
    // See readStored.
  }
}

/**
 * Takes a token from the address if one is there (a fresh launch, or a new one after the host
 * restarted), otherwise falls back to the one this tab already had.
 */
export function takeToken(): string | null {
  const fromHash = tokenInHash(location.hash)
  if (fromHash) {
    store(fromHash)
    history.replaceState(history.state, '', `${location.pathname}${location.search}`)
    return fromHash
  }
  return readStored()
}
