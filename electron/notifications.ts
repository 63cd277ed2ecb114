// Which engine events deserve an OS notification: a tunnel that failed, a tunnel whose OAuth
// account needs a new sign-in, and a saved account whose certificate changed. Pure: main.ts shows what this returns with Electron's Notification.
export interface NotificationText {
  title: string
  body: string
}

/** Notification bodies are short; a hostile server's error text must not fill the screen. */
export const MAX_NOTIFICATION_BODY = 200

function clip(text: string): string {
  return text.length > MAX_NOTIFICATION_BODY ? `${text.slice(0, MAX_NOTIFICATION_BODY - 1)}…` : text
}

export function tunnelFailed(name: string, error: string): NotificationText {
  return { title: `Tunnel “${clip(name)}” stopped`, body: clip(error) }
}

export function certificateChanged(account: string, host: string): NotificationText {
  return {
    title: `Certificate changed for ${clip(account)}`,
    body: clip(
      `${host} now presents a different certificate. If you did not expect a renewal, check it before you log in.`,
    ),
  }
}

/** An OAuth tunnel can no longer get a token: its clients are refused until the user signs in. */
export function tunnelNeedsSignIn(name: string, account: string): NotificationText {
  return {
    title: `Tunnel “${clip(name)}” needs a new sign-in`,
    body: clip(
      `The provider no longer accepts the sign-in of ${account}. Open Mailwarden, Tunnels, and sign in again; until then its mail clients are refused.`,
    ),
  }
}

/** The tunnel just turned to needing a sign-in (not already so: one notification per turn). */
export function turnedToNeedsSignIn(
  before: { needsSignInFor?: string | null } | undefined,
  after: { needsSignInFor?: string | null },
): boolean {
  return Boolean(after.needsSignInFor) && !before?.needsSignInFor
}
