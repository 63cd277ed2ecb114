// The dkim job's part of the contract: verifying one message (`dkim.verify`), a folder of them
// (`dkim.batch`, a long run) and an mbox (`dkim.archive`, a long run whose rows arrive with its
// progress). Every string that came from the message is data to show as text, never markup.
import { z } from 'zod'
import { DkimResult, Severity } from './mail.js'
import { ArchiveSource, MessageSource } from './message-source.js'
import { longRun } from './runs.js'

/** The largest number of messages one `dkim.batch` run takes (a folder is sent in slices). */
export const DKIM_BATCH_MAX_MESSAGES = 500

export const DkimFinding = z
  .object({
    /** Stable id: a key of shared/knowledge/dkim-findings.ts (the table has the advice). */
    id: z.string().max(80),
    severity: Severity,
    title: z.string().max(300),
    /** What this message shows, in a sentence or two (may quote message values: show as text). */
    detail: z.string().max(4000),
    /** Index into `signatures` when the finding is about one signature; null for the message. */
    signature: z.number().int().nonnegative().nullable(),
  })
  .strict()
export type DkimFinding = z.infer<typeof DkimFinding>

export const DkimStepName = z.enum(['fetch-key', 'check-key', 'hash-body', 'hash-headers', 'verify'])
export type DkimStepName = z.infer<typeof DkimStepName>

/** ok: done and good; warn: done with a reservation; failed: this step decided the result; skipped: not reached. */
export const DkimStepStatus = z.enum(['ok', 'warn', 'failed', 'skipped'])
export type DkimStepStatus = z.infer<typeof DkimStepStatus>

export const DkimStep = z
  .object({ name: DkimStepName, status: DkimStepStatus, sentence: z.string().max(2000) })
  .strict()
export type DkimStep = z.infer<typeof DkimStep>

/** A bounded text excerpt: `truncated` says the original was longer than `text`. */
export const BoundedText = z.object({ text: z.string(), truncated: z.boolean() }).strict()
export type BoundedText = z.infer<typeof BoundedText>

export const DkimAlignment = z.enum(['strict', 'relaxed', 'none'])
export type DkimAlignment = z.infer<typeof DkimAlignment>

export const DkimSignatureReport = z
  .object({
    /** Position among the message's DKIM-Signature fields, top first. */
    index: z.number().int().nonnegative(),
    /** d= (empty when the signature was too malformed to say). */
    domain: z.string(),
    selector: z.string(),
    /** a= as written (e.g. rsa-sha256, ed25519-sha256). */
    algorithm: z.string(),
    /** c= as header/body, defaults applied: "relaxed/simple". */
    canonicalization: z.string(),
    result: DkimResult,
    /** Why, in a sentence (null for a plain pass). */
    reason: z.string().nullable(),
    keyBits: z.number().int().nullable(),
    /** l= (null: the whole body is signed). */
    bodyLength: z.number().int().nullable(),
    /** h= as written, lower-cased, in order (duplicates mean oversigning). */
    signedHeaders: z.array(z.string()),
    /** d= aligned with the From domain (DMARC relaxed or strict). */
    aligned: z.boolean(),
    alignment: DkimAlignment,
    /** The key record says t=y (the domain is testing DKIM). */
    testing: z.boolean(),
    /** i= (the agent or user identity), null when absent. */
    identity: z.string().nullable(),
    /** t= and x= as ISO dates (null when absent). */
    signedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    /** This signature is the one DMARC would use (aligned and passing; first strict, then relaxed). */
    countsForDmarc: z.boolean(),
    steps: z.array(DkimStep),
    body: z
      .object({
        /** Canonical body bytes the hash covered (l= or the whole body); null when not hashed. */
        signedBytes: z.number().int().nullable(),
        /** Canonical body bytes in total. */
        totalBytes: z.number().int().nullable(),
        /** bh= as claimed, and the hash computed here (base64). */
        claimedHash: z.string().nullable(),
        computedHash: z.string().nullable(),
        matches: z.boolean().nullable(),
      })
      .strict(),
    /** The canonicalized header block that was signed (b= emptied), bounded; null when not reached. */
    canonicalHeaders: BoundedText.nullable(),
    /** The DKIM-Signature field as it appears in the message (bounded). */
    rawField: BoundedText,
    /** Where the key came from ("DNS server 127.0.10.53:53", "key file", "key store (seen 2024-01-02)"). */
    keySource: z.string().nullable(),
    /** The key record text as found (bounded). */
    keyRecord: z.string().nullable(),
  })
  .strict()
export type DkimSignatureReport = z.infer<typeof DkimSignatureReport>

/** One dkim= entry of an Authentication-Results field the receiving server wrote. */
export const DkimReceivedResult = z
  .object({
    /** The authserv-id (who wrote it). */
    server: z.string(),
    result: z.string(),
    domain: z.string().nullable(),
    selector: z.string().nullable(),
    /** header.b prefix when given: ties the entry to one signature. */
    signaturePrefix: z.string().nullable(),
    /** Index of the signature of ours it is about (null when none matches). */
    signature: z.number().int().nonnegative().nullable(),
    /** Our result for that signature, and whether the two differ. */
    ours: DkimResult.nullable(),
    disagrees: z.boolean(),
  })
  .strict()
export type DkimReceivedResult = z.infer<typeof DkimReceivedResult>

export const DkimHeaderLine = z.object({ name: z.string(), value: z.string() }).strict()

export const DkimReport = z
  .object({
    signatures: z.array(DkimSignatureReport),
    findings: z.array(DkimFinding),
    /** The From address (first one), null when there is none. */
    from: z.string().nullable(),
    fromDomain: z.string().nullable(),
    /** Best result over the signatures (pass > policy > fail > temperror > permerror > neutral > none). */
    verdict: DkimResult,
    /** A signature aligned with From passes: what DMARC needs (the CLI exits 0 on it). */
    alignedPass: z.boolean(),
    /** Index of the signature that counts for DMARC, null when none. */
    dmarcSignature: z.number().int().nonnegative().nullable(),
    /**
     * How relaxed alignment found each name's Organizational Domain: the RFC 9989 DNS Tree Walk
     * (keys from DNS), or the Public Suffix List where no DNS may be asked (keys from a key file)
     * or where a walk failed (a DNS error; a finding says so).
     */
    alignmentBasis: z.enum(['dns-tree-walk', 'public-suffix-list']),
    /** The dkim results of the receiving server's Authentication-Results fields. */
    receivedResults: z.array(DkimReceivedResult),
    /** The time signatures were judged against, and where it came from. */
    verifiedAt: z.string(),
    verifiedAtSource: z.enum(['given', 'received', 'now']),
    /** Line endings of the input: bare LF is treated as CRLF (as it was in transit) and reported. */
    lineEndings: z.enum(['crlf', 'lf', 'mixed', 'none']),
    sizeBytes: z.number().int().nonnegative(),
    headerBytes: z.number().int().nonnegative(),
    bodyBytes: z.number().int().nonnegative(),
    /** The message's own header fields for display, unfolded and bounded. */
    headers: z.array(DkimHeaderLine),
    headersTruncated: z.boolean(),
  })
  .strict()
export type DkimReport = z.infer<typeof DkimReport>

const IsoDate = z
  .string()
  .max(40)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO date')
const DnsServer = z.string().max(300)
/** Key file text: lines of "NAME TXT-VALUE"; keys are small, a big file is a mistake. */
export const DKIM_KEY_FILE_MAX_CHARS = 1024 * 1024

export const DkimVerifyRequest = z
  .object({
    message: MessageSource,
    /** Judge expiry as of this date; null/absent: the topmost Received time, else now. */
    at: IsoDate.nullable().optional(),
    dnsServer: DnsServer.nullable().optional(),
    /** Key file text instead of DNS (offline or archived keys). */
    keys: z.string().max(DKIM_KEY_FILE_MAX_CHARS).nullable().optional(),
  })
  .strict()
export type DkimVerifyRequest = z.infer<typeof DkimVerifyRequest>

/** Key file text: the same option as dkim.verify's, for every message of a batch or an archive. */
const KeyFileText = z.string().max(DKIM_KEY_FILE_MAX_CHARS).nullable().optional()

export const DkimBatchRequest = z
  .object({
    messages: z.array(MessageSource).min(1).max(DKIM_BATCH_MAX_MESSAGES),
    at: IsoDate.nullable().optional(),
    dnsServer: DnsServer.nullable().optional(),
    keys: KeyFileText,
  })
  .strict()
export type DkimBatchRequest = z.infer<typeof DkimBatchRequest>

export const DkimBatchProgress = z
  .object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative(), name: z.string() })
  .strict()
export type DkimBatchProgress = z.infer<typeof DkimBatchProgress>

/** How many findings of each severity. */
export const DkimFindingCounts = z
  .object({
    bad: z.number().int().nonnegative(),
    warn: z.number().int().nonnegative(),
    info: z.number().int().nonnegative(),
  })
  .strict()

export const DkimBatchRow = z
  .object({
    name: z.string(),
    verdict: DkimResult,
    alignedPass: z.boolean(),
    from: z.string().nullable(),
    /** d= of each signature, in order. */
    domains: z.array(z.string()),
    signatures: z.number().int().nonnegative(),
    findings: DkimFindingCounts,
    /** Why this message could not be verified at all (then verdict is "none"). */
    error: z.string().nullable(),
  })
  .strict()
export type DkimBatchRow = z.infer<typeof DkimBatchRow>

/** A row's error sentence is kept to this length (a reason is a sentence, not a dump). */
export const ROW_ERROR_MAX_CHARS = 500

/** The row of a message that could not be verified at all (engine and page make them alike). */
export function batchErrorRow(name: string, error: string): DkimBatchRow {
  return {
    name,
    verdict: 'none',
    alignedPass: false,
    from: null,
    domains: [],
    signatures: 0,
    findings: { bad: 0, warn: 0, info: 0 },
    error: error.slice(0, ROW_ERROR_MAX_CHARS),
  }
}

export const DkimBatchResult = z.object({ rows: z.array(DkimBatchRow) }).strict()
export type DkimBatchResult = z.infer<typeof DkimBatchResult>

export const dkimBatchRun = longRun({
  request: DkimBatchRequest,
  progress: DkimBatchProgress,
  result: DkimBatchResult,
  summary: 'Verify the DKIM signatures of many messages (a folder); one row per message.',
})

/**
 * Rows an archive run lists. Past this many messages are verified and counted in the result, not
 * listed: a huge mbox must not grow the page (or the engine's events) without bound. The CLI's
 * `--json-lines` lists every one.
 */
export const DKIM_ARCHIVE_MAX_ROWS = 20_000
/** Rows one archive progress event carries at most (a fast run sends them in several events). */
export const DKIM_ARCHIVE_ROWS_PER_EVENT = 200

/** How an mbox escapes body lines that start with "From " (RFC 4155); mboxrd reads mboxo's too, nearly always. */
export const DkimMboxFormat = z.enum(['mboxrd', 'mboxo'])
export type DkimMboxFormat = z.infer<typeof DkimMboxFormat>

export const DkimArchiveRequest = z
  .object({
    archive: ArchiveSource,
    /** Default mboxrd (what the CLI reads by default). */
    format: DkimMboxFormat.optional(),
    at: IsoDate.nullable().optional(),
    dnsServer: DnsServer.nullable().optional(),
    keys: KeyFileText,
  })
  .strict()
export type DkimArchiveRequest = z.infer<typeof DkimArchiveRequest>

export const DkimArchiveProgress = z
  .object({
    /** Messages verified so far (listed or not). */
    done: z.number().int().nonnegative(),
    /** Bytes of the mbox verified through (the end of the last message done), of its size. */
    bytesRead: z.number().int().nonnegative(),
    totalBytes: z.number().int().nonnegative(),
    /** The last message done ("inbox.mbox@1234"). */
    name: z.string(),
    /** Position of rows[0] among the run's rows: the page appends, and can tell a gap. */
    first: z.number().int().nonnegative(),
    /** Rows finished since the previous event, in mbox order (named "file@offset", as the CLI does). */
    rows: z.array(DkimBatchRow).max(DKIM_ARCHIVE_ROWS_PER_EVENT),
  })
  .strict()
export type DkimArchiveProgress = z.infer<typeof DkimArchiveProgress>

export const DkimArchiveResult = z
  .object({
    /** Messages found and verified (every row came before in progress events). */
    messages: z.number().int().nonnegative(),
    /** Rows sent in progress events: min(messages, DKIM_ARCHIVE_MAX_ROWS). */
    listed: z.number().int().nonnegative(),
    alignedPass: z.number().int().nonnegative(),
    /** Verified, and no signature aligned with From passes. */
    notPassing: z.number().int().nonnegative(),
    /** Could not be verified at all (an error row). */
    unusable: z.number().int().nonnegative(),
  })
  .strict()
export type DkimArchiveResult = z.infer<typeof DkimArchiveResult>

export const dkimArchiveRun = longRun({
  request: DkimArchiveRequest,
  progress: DkimArchiveProgress,
  result: DkimArchiveResult,
  summary:
    'Verify every message of an mbox (mboxrd or mboxo) on worker threads; rows arrive with the progress.',
})

export const dkimOperations = {
  'dkim.verify': {
    request: DkimVerifyRequest,
    response: DkimReport,
    summary: 'Verify every DKIM signature of one message and explain the result.',
  },
  'dkim.batch': dkimBatchRun.operation,
  'dkim.archive': dkimArchiveRun.operation,
} as const

export const dkimEvents = {
  'dkim.batch.progress': dkimBatchRun.progressEvent,
  'dkim.batch.finished': dkimBatchRun.finishedEvent,
  'dkim.archive.progress': dkimArchiveRun.progressEvent,
  'dkim.archive.finished': dkimArchiveRun.finishedEvent,
} as const
