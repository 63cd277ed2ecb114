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
