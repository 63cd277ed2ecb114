// Every bound of the DKIM verifier in one place, each with what it stops.

/** A header block larger than this is hostile or broken (real ones are a few KB); stops memory growth. */
export const MAX_HEADER_BYTES = 1024 * 1024
/** The default largest message accepted (bodies stream, so this only stops an endless input). */
export const DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024 * 1024
/** Signatures verified per message; thousands of them would mean thousands of DNS queries. */
export const MAX_SIGNATURES_VERIFIED = 32
/** A DKIM-Signature field longer than this is not a signature (real ones are under 2 KB). */
export const MAX_SIGNATURE_FIELD_BYTES = 64 * 1024
/** Body bytes kept to explain a body-hash mismatch (footer, line endings, CTE); larger bodies are not retried. */
export const EXPLAIN_BODY_MAX_BYTES = 4 * 1024 * 1024
/** Candidate footer starts tried when a body hash fails (each one is a hash of the prefix). */
export const MAX_FOOTER_CANDIDATES = 40
/** t= may be this far in the future before it counts as future-dated (clock skew between hosts). */
export const CLOCK_SKEW_GRACE_SECONDS = 5 * 60
/** A signature older than this without x= can be replayed for a long time: worth a warning. */
export const OLD_SIGNATURE_SECONDS = 30 * 24 * 3600
/** The canonicalized header block shown in a report is cut here (it is for reading, not hashing). */
export const MAX_SHOWN_CANONICAL_BYTES = 64 * 1024
/** The message's own header fields shown in a report: at most this many, each value cut. */
export const MAX_SHOWN_HEADERS = 200
export const MAX_SHOWN_HEADER_VALUE = 4096
/** Authentication-Results dkim= entries compared with ours; a header block full of them is not worth more. */
export const MAX_RECEIVED_RESULTS = 50
/** A finding's detail is cut here: it quotes the message, and a report must stay readable and small. */
export const MAX_FINDING_DETAIL_CHARS = 4000
/** A shown header field's name is cut here (a malformed line can be one long "name"). */
export const MAX_SHOWN_HEADER_NAME = 200
/** The key record shown in a report is cut here (real ones are under 1 KB; a TXT record can be 64 KB). */
export const MAX_SHOWN_KEY_RECORD = 4096
/** A domain, selector or server name shown from a malformed signature or Authentication-Results is cut
 * at the longest a domain name can be. */
export const MAX_SHOWN_NAME = 255
/** a= of a malformed signature shown is cut here (real algorithm names are under 20 characters). */
export const MAX_SHOWN_ALGORITHM = 40
/** Header names of a malformed signature's h= shown: at most this many (a 64 KB field can list thousands). */
export const MAX_SHOWN_SIGNED_HEADERS = 200
/** Parsed key records cached by text: a hostile DNS could hand out a fresh record per message. */
export const MAX_CACHED_KEYS = 512
/** Key store entries kept (oldest dropped first): a key store is small by nature. */
export const MAX_STORED_KEYS = 5000
/** A key file larger than this is not a key file. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024
/** Key records accepted per name; more is an attack on our time, and several already mean permerror. */
export const MAX_KEY_RECORDS = 8
/** RFC 8301 3.2: RSA keys under 1024 bits are not acceptable; under 2048 deserve a warning. */
export const RSA_MIN_BITS = 1024
export const RSA_GOOD_BITS = 2048
