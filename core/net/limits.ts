// Every bound of the network layer in one place (as imapflow's limits.js), each with what it stops.
// Probe and tunnel share them; a caller may pass smaller values (tests do).

/** Longest line we accept before TLS. RFC 5321 caps SMTP reply lines at 512 octets and real IMAP
 * CAPABILITY lines stay under 2 KiB; anything longer is an endless banner meant to exhaust us. */
export const MAX_LINE_BYTES = 16 * 1024

/** Everything one plaintext dialogue may send us before TLS starts: stops a server that answers
 * with an endless multi-line greeting or CAPA list made of short lines. */
export const MAX_PLAINTEXT_BYTES = 128 * 1024

/** Lines in one multi-line response (EHLO, CAPA, IMAP untagged CAPABILITY): stops a flood of
 * short continuation lines that never ends the response. */
export const MAX_RESPONSE_LINES = 256

/** How long a TCP connect may take: stops a black-holed port (SYNs dropped by a firewall). */
export const CONNECT_TIMEOUT_MS = 10_000

/** How long one whole line (or reply) may take to arrive, from the moment we wait for it: stops
 * a silent server and a slow drip of one byte at a time, which a per-chunk idle timer never ends. */
export const READ_TIMEOUT_MS = 10_000

/** How long a TLS handshake may take: stops a server that accepts STARTTLS and then stalls. */
export const HANDSHAKE_TIMEOUT_MS = 10_000

/** After the server's STARTTLS OK, how long the probe watches for bytes it should not send before
 * our ClientHello (CVE-2011-0411 response injection). The tunnel does not wait: any buffered byte
 * aborts it, and a later one breaks the handshake. */
export const INJECTION_WATCH_MS = 150

/** A chain longer than this is not a real chain: stops a loop or a hostile pile of certificates. */
export const MAX_CHAIN_LENGTH = 10

/** Lines of a dialogue kept for a report: a hostile server must not make it big. */
export const MAX_TRANSCRIPT_LINES = 60

/** Characters of one transcript line kept for a report (an endless banner is cut here). */
export const MAX_TRANSCRIPT_LINE_CHARS = 300

/** The whole Mozilla store is ~220 KB; a system bundle with company CAs stays far below this. */
export const MAX_SYSTEM_CA_BYTES = 4 * 1024 * 1024

/** The OS store is read again after this long, so a CA installed meanwhile is seen. */
export const TRUST_STORE_CACHE_MS = 5 * 60 * 1000

/** Bytes of injected data kept for the report: enough to show what it was. */
export const MAX_INJECTED_BYTES_KEPT = 512

/** A CA bundle is kilobytes (Mozilla's whole store is ~220 KB); a bigger file is not one. */
export const MAX_CA_FILE_BYTES = 1024 * 1024

/** A hostile or broken server sending an endless body must not fill memory (autoconfig files are ~2 KB). */
export const HTTP_MAX_BODY_BYTES = 256 * 1024

/** A server that drips one byte a second must not hold a probe: the whole fetch ends by then. */
export const HTTP_DEFAULT_TIMEOUT_MS = 10_000

/** Redirect loops or chains (Thunderbird follows a few); more than this is an error. */
export const HTTP_MAX_REDIRECTS = 3

/** Huge header blocks are refused by Node's parser beyond this (its default is 16 KB). */
export const HTTP_MAX_HEADER_BYTES = 16 * 1024

/** Distinct extra CAs kept parsed; a long-running engine sees one or two. */
export const HTTP_MAX_CACHED_CONTEXTS = 8

/** Characters of a server's reply quoted in an error sentence (a refused STARTTLS or session). */
export const MAX_QUOTED_REPLY_CHARS = 200

/** Characters of a line that is not the protocol, quoted in the error. */
export const MAX_QUOTED_LINE_CHARS = 80

/** Names of a certificate listed when none matches the host (a certificate may carry hundreds). */
export const MAX_NAMES_LISTED = 8
