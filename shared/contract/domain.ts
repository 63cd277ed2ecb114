// The administrator's own domain: `domain.keygen` makes a DKIM key pair for the page (the private
// key is handed to the page once, to be saved by the user, and kept nowhere), with its DNS record,
// the signers' configuration and advice (the CLI's `dkim keygen` writes the same to a file).
import { z } from 'zod'
import { domainCheckRun } from './domain-check.js'
import { Severity } from './mail.js'
import { operation } from './runs.js'

export const KEYGEN_TYPES = ['rsa-2048', 'rsa-3072', 'ed25519', 'rsa-2048+ed25519'] as const
export const KeygenType = z.enum(KEYGEN_TYPES)
export type KeygenType = z.infer<typeof KeygenType>

/** Where the page's signer snippets assume the key was moved (Debian's opendkim uses it). */
export const KEYGEN_KEY_DIR = '/etc/dkimkeys'

export const DomainKeygenRequest = z
  .object({
    domain: z.string().trim().min(1).max(253),
    selector: z.string().trim().min(1).max(63),
    type: KeygenType.default('rsa-2048'),
  })
  .strict()

const KeygenRecord = z
  .object({
    selector: z.string(),
    algorithm: z.enum(['rsa', 'ed25519']),
    /** S._domainkey.D */
    name: z.string(),
    /** The one-string form, for a provider's panel. */
    value: z.string(),
    /** The same split into strings of at most 255 bytes, for one record of a zone file. */
    strings: z.array(z.string()),
    zone: z.string(),
  })
  .strict()
export type KeygenRecord = z.infer<typeof KeygenRecord>

const KeygenKey = z
  .object({
    selector: z.string(),
    algorithm: z.enum(['rsa', 'ed25519']),
    /** The file name to save it under (S._domainkey.D.private). */
    fileName: z.string().max(300),
    /** PKCS#8 PEM: shown to nobody, only saved. */
    privatePem: z.string().max(8192),
  })
  .strict()
export type KeygenKey = z.infer<typeof KeygenKey>

export const KeygenAdviceItem = z
  .object({ id: z.string(), severity: Severity, title: z.string(), detail: z.string(), fix: z.string() })
  .strict()
export type KeygenAdviceItem = z.infer<typeof KeygenAdviceItem>

export const DomainKeygenResult = z
  .object({
    domain: z.string(),
    type: KeygenType,
    keys: z.array(KeygenKey),
    records: z.array(KeygenRecord),
    snippets: z
      .object({ exim: z.string(), opendkim: z.string(), postfix: z.string(), rspamd: z.string() })
      .strict(),
    advice: z.array(KeygenAdviceItem),
  })
  .strict()
export type DomainKeygenResult = z.infer<typeof DomainKeygenResult>

export const domainOperations = {
  'domain.keygen': operation(
    DomainKeygenRequest,
    DomainKeygenResult,
    'Make a DKIM key pair for a domain: the private key to save, the DNS record, signer configuration and advice.',
  ),
  'domain.check': domainCheckRun.operation,
} as const

export const domainEvents = {
  'domain.check.progress': domainCheckRun.progressEvent,
  'domain.check.finished': domainCheckRun.finishedEvent,
} as const
