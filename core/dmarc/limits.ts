// The bounds of the DMARC pieces shared by the domain check and the DKIM verifier: the RFC 9989
// DNS Tree Walk and the record parser. The resolver's own bounds (time, records per answer, bytes
// per TXT record) are in core/dns/resolver.ts.

/** RFC 9989 4.10: a DNS Tree Walk makes at most 8 queries; longer names are cut to 7 labels first. */
export const DMARC_WALK_MAX_QUERIES = 8
export const DMARC_WALK_MAX_LABELS = 7
/** A DMARC record longer than this is not parsed (real ones are under 500 bytes). */
export const DMARC_MAX_RECORD_CHARS = 4_096
/**
 * Organizational domains remembered per run (one walk per domain): an archive of a million
 * messages from a few thousand domains must not grow the cache without end.
 */
export const MAX_CACHED_ORGANIZATIONAL_DOMAINS = 10_000
