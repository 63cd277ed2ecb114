// Every bound of `domain check`, each with what it stops. The resolver's own bounds (records per
// answer, bytes per TXT record) are in core/dns/resolver.ts.

/** One DNS question may take this long (the resolver retries within it). */
export const DNS_TIMEOUT_MS = 5_000

/** RFC 7208 4.6.4: at most 10 terms that cause DNS lookups (include, a, mx, ptr, exists, redirect). */
export const SPF_MAX_DNS_LOOKUPS = 10
/** RFC 7208 4.6.4: at most 2 lookups that return no answer (void lookups) before a permerror. */
export const SPF_MAX_VOID_LOOKUPS = 2
/** RFC 7208 4.6.4: an mx term's host list, and a ptr term's names, are evaluated at most 10 deep. */
export const SPF_MAX_MX_NAMES = 10
/**
 * The walk keeps counting past the limit (to say by how much a record is over it), but stops here:
 * a hostile chain of includes must not cost hundreds of queries.
 */
export const SPF_MAX_WALK_LOOKUPS = 40
/** An SPF record longer than this is not read term by term (real ones are under 1 KB). */
export const SPF_MAX_RECORD_CHARS = 4_096
/** Terms of one SPF record parsed; a record of thousands of terms is hostile. */
export const SPF_MAX_TERMS = 100

// The DMARC tree walk's and record parser's bounds are in core/dmarc/limits.ts.
/** rua/ruf addresses checked for an external authorization record (each is one DNS query). */
export const DMARC_MAX_REPORT_URIS = 8

/** Selectors asked at most: the built-in list plus the user's --selector options. */
export const MAX_SELECTORS = 40
/** Selector lookups in flight at once (a list of 20 names should not take 20 round trips). */
export const SELECTOR_CONCURRENCY = 8
/** A private key file larger than this is not a key file (a 16384-bit PEM key is ~13 KB). */
export const MAX_PRIVATE_KEY_FILE_BYTES = 64 * 1024
/** Over this many bytes, a DKIM key record needs care in DNS (several strings; large UDP answers). */
export const DKIM_RECORD_LARGE_BYTES = 512
/** A record shown in a finding or the report is cut here (the resolver allows 16 KB). */
export const MAX_SHOWN_RECORD_CHARS = 2_048

/** RSA key sizes (RFC 8301 3.2 requires at least 1024; 2048 is today's floor for a new key). */
export const RSA_BROKEN_BELOW_BITS = 768
export const RSA_GOOD_BITS = 2048
