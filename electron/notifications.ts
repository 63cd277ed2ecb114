// Which engine events deserve an OS notification: a tunnel that failed, and a saved account whose
// certificate changed. Pure: main.ts shows what this returns with Electron's Notification.
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
