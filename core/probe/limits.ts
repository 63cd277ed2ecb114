// The probe's own bounds (the network layer's are in core/net/limits.ts), each with what it stops.

/** Default per-step timeout (connect, one reply, one handshake) when neither request nor settings say. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000

/**
 * On a port that does not normally start with TLS, how long to wait for a plaintext greeting
 * before trying a TLS handshake instead: a server that waits silently may be speaking implicit
 * TLS. Capped by the run's timeout. Real greetings arrive in milliseconds; Exim's ident and
 * reverse-DNS lookups can take a second or two, which is why this is not shorter.
 */
export const GREETING_SNIFF_MS = 2_500

/** Endpoints of one run: discovery caps what it proposes, this stops a request that lists too many. */
export const MAX_ENDPOINTS_PER_RUN = 64

/** Lines of the greeting kept in the report: a hostile multi-line banner must not bloat it. */
export const MAX_GREETING_LINES = 10

/** Capabilities kept per side: a server listing thousands must not bloat the report. */
export const MAX_CAPABILITIES_KEPT = 128

/** Certificates expiring within this many days are called out. */
export const EXPIRY_WARNING_DAYS = 21

/** Smaller keys are weak (NIST SP 800-57, BSI TR-02102). */
export const MIN_RSA_BITS = 2048
export const MIN_EC_BITS = 256

/** After a LOGOUT/QUIT, how long to let the server close before we drop the socket. */
export const GOODBYE_MS = 100
