// DKIM selectors worth trying when the administrator does not know theirs: the defaults of common
// signers and providers, with where each comes from (shown in the report). A selector is any name
// the signer chose, so a domain may sign with one that is not here.

export interface CommonSelector {
  selector: string
  source: string
}

export const COMMON_SELECTORS: readonly CommonSelector[] = [
  { selector: 'default', source: 'cPanel, OpenDKIM and many control panels' },
  { selector: 'dkim', source: 'Plesk, Zimbra and many hand-made setups' },
  { selector: 'mail', source: 'common hand-made setups and DKIM howtos' },
  { selector: 'x', source: 'the classic Exim DKIM howto' },
  { selector: 'google', source: 'Google Workspace' },
  { selector: 'selector1', source: 'Microsoft 365 (first of its two rotating keys)' },
  { selector: 'selector2', source: 'Microsoft 365 (second of its two rotating keys)' },
  { selector: 'k1', source: 'Mailchimp / Mandrill' },
  { selector: 'k2', source: 'Mailchimp / Mandrill' },
  { selector: 's1', source: 'SendGrid' },
  { selector: 's2', source: 'SendGrid' },
  { selector: 'smtp', source: 'Mailgun' },
  { selector: 'mx', source: 'Mailgun (older accounts)' },
  { selector: 'pm', source: 'Postmark' },
  { selector: 'zoho', source: 'Zoho Mail' },
  { selector: 'protonmail', source: 'Proton Mail' },
  { selector: 'fm1', source: 'Fastmail' },
  { selector: 'mailjet', source: 'Mailjet' },
  { selector: 'dkim1', source: 'Mail-in-a-Box and others' },
  { selector: 'mail1', source: 'hand-made rotations' },
]

/** RFC 6376 3.1: a selector is one or more DNS labels (letters, digits, hyphens, dots between). */
export function selectorProblem(selector: string): string | null {
  if (selector.length === 0 || selector.length > 63 * 4) return 'it is empty or too long'
  const labels = selector.split('.')
  if (labels.some((l) => !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l)))
    return 'it is not a DNS name (letters, digits and hyphens, labels separated by dots)'
  return null
}
