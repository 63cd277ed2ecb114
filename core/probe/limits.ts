// Every bound of the probe (the network layer's are in core/net/limits.ts, discovery's in
// discovery/limits.ts), each with what it stops.

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

/** Characters of one greeting line kept in the report (a hostile banner line is cut here). */
export const MAX_GREETING_LINE_CHARS = 300

/** Characters of what the server said, quoted in a failure's sentence (a refusal, injected bytes). */
export const MAX_QUOTED_CHARS = 200

/** Characters of a first line that is no greeting, quoted in the finding. */
export const MAX_QUOTED_FIRST_LINE_CHARS = 80

/** Bytes of TLS where a greeting should be, shown escaped in the finding. */
export const MAX_QUOTED_TLS_BYTES = 24

/** Capabilities kept per side: a server listing thousands must not bloat the report. */
export const MAX_CAPABILITIES_KEPT = 128

/** Certificates expiring within this many days are called out. */
export const EXPIRY_WARNING_DAYS = 21

/** Smaller keys are weak (NIST SP 800-57, BSI TR-02102). */
export const MIN_RSA_BITS = 2048
export const MIN_EC_BITS = 256

/** After a LOGOUT/QUIT, how long to let the server close before we drop the socket. */
export const GOODBYE_MS = 100

/** The whole dialogue of one endpoint may take this many step timeouts: stops a server that answers
 * each line just before its deadline, forever. Version attempts run after, under the same bound. */
export const ENDPOINT_DEADLINE_FACTOR = 6

/** A record names a few report addresses; more are ignored, not listed. */
export const TLSRPT_MAX_RUA = 10

/** RFC 8461 3.3 lets senders cap the policy at 64 KB; a bigger file is refused unread. */
export const MTA_STS_POLICY_MAX_BYTES = 64 * 1024

/** A policy lists a few MX patterns; thousands would make the match check quadratic work. */
export const MTA_STS_MAX_MX_PATTERNS = 100

/** The policy fetch and each DNS query give up after this, unless told otherwise. */
export const DOMAIN_CHECK_TIMEOUT_MS = 5_000

/** Saved accounts at most (the settings schema's bound). */
export const MAX_ACCOUNTS = 200

/** Characters of a server's reply or an error text kept in a report (a refused TLS version, a
 * login's answer): a hostile server must not make the report big. */
export const MAX_REPLY_KEPT_CHARS = 300

/** Characters of a certificate's names quoted in cert-wrong-host (a certificate may carry hundreds). */
export const MAX_CERT_NAMES_CHARS = 500

/** Capabilities named in capabilities-lost-after-tls; a longer list is cut. */
export const MAX_LOST_CAPABILITIES_LISTED = 20

/** Failure sentences quoted when no name resolved at all (one per endpoint would repeat itself). */
export const MAX_REASONS_QUOTED = 3

/** Finding ids saved with an account for the next re-check: a bound on the settings file. */
export const MAX_PROBLEM_IDS_SAVED = 64

/** Characters of an account's label kept in its id (the id is also a keychain entry's name). */
export const MAX_ACCOUNT_SLUG_CHARS = 40
