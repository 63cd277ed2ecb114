// Every bound of discovery (lookups, files, the XML reader) and how hard the probe may knock on one
// server (core/probe/schedule.ts keeps to the last two). Mail servers defend themselves against
// floods (Exim's smtp_accept_max_per_host, Postfix's anvil, Dovecot's per-IP limits, fail2ban) by
// answering 421 or dropping connections, which would then be misreported as a server fault. So: at
// most N connections to one host at once, and starts on that host spaced out by M ms.
/** Concurrent connections to one host (a name or an address); Postfix's default rate limits begin above this. */
export const DEFAULT_CONNECTIONS_PER_HOST = 3
/** Between two connection starts on the same host, so seven ports do not arrive as one burst. */
export const DEFAULT_STAGGER_MS = 20
/** Concurrent DNS queries and fetches of one discovery; enough for all of them on a normal domain. */
export const DISCOVERY_CONCURRENCY = 8

/** Each DNS query and each file fetch of discovery gives up after this, unless told otherwise. */
export const DISCOVERY_STEP_TIMEOUT_MS = 5_000

/** A domain with dozens of MX hosts gets its first few probed; relays beyond are redundant. */
export const MAX_MX_HOSTS = 5

/** SRV answers beyond this per service are ignored (RFC 6186 expects one or two). */
export const MAX_SRV_TARGETS = 4

/** Autoconfig files are small; a bigger answer is not one (the fetch also caps at its own limit). */
export const AUTOCONFIG_MAX_BYTES = 128 * 1024

/** An ISP's file lists a few servers per protocol; a file with hundreds is hostile. */
export const AUTOCONFIG_MAX_SERVERS = 32

/** Autoconfig files are a few KB; the ISP database's biggest entries are ~20 KB. */
export const XML_MAX_BYTES = 256 * 1024

/** clientConfig nests four levels deep; a deeper document is not one, and deep recursion is a DoS. */
export const XML_MAX_DEPTH = 32

/** A file of a million empty elements must not become a million objects. */
export const XML_MAX_ELEMENTS = 5_000

/** Attributes per element (type, version...); thousands of them is an attack on the parser. */
export const XML_MAX_ATTRIBUTES = 32
