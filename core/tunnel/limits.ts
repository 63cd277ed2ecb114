// Every bound of the tunnel in one place, each with what it stops. Network-layer bounds (line
// length, dialogue size, connect and handshake deadlines) come from core/net/limits.ts.

/** Open connections per tunnel: stops a local flood from exhausting file descriptors (two each). */
export const MAX_CONNECTIONS_PER_TUNNEL = 4096

/** Longest protocol line the capability rewriter holds back whole (a CAPABILITY or EHLO line):
 * longer ones are not capability lines and pass through unchanged, so memory stays bounded. */
export const MAX_HELD_LINE_BYTES = 16 * 1024

/** Lines of one SMTP reply held back to rewrite an EHLO answer: stops an endless multi-line reply. */
export const MAX_HELD_REPLY_LINES = 256

/** After one side closed, how long the other may take to flush and close before it is destroyed. */
export const CLOSE_GRACE_MS = 5_000

/** An upstream address from DNS is reused this long: a new connection need not wait for DNS. */
export const DNS_CACHE_MS = 30_000

/** Live counters are pushed at most this often per tunnel (the UI redraws once a second). */
export const STATS_INTERVAL_MS = 1_000

/** Longest reason sent to a client in a protocol error line (BYE, -ERR, 421). */
export const MAX_CLIENT_REASON_CHARS = 300

/** Bytes a tunnel socket may hold unsent before backpressure pauses the other side (pump.ts; also
 * the local listener's high-water mark): 64 KiB holds a few TLS records, so bulk transfer does not
 * stop and start at every record (Node's default of 16 KiB is one record); with one read (at most
 * 64 KiB) past it, two directions stay under 256 KiB per connection. */
export const STREAM_BUFFER_BYTES = 64 * 1024
/** A direction's source is paused while its target holds more than this unsent (pump.ts). Above
 * one read (64 KiB), so a loop turn's records still go out in one write; measured, 64 KiB -> 256
 * KiB took SMTP DATA from 2.9 to 2.6 ms of CPU per MiB; at most 256 KiB + one read per direction. */
export const PUMP_PAUSE_BYTES = 256 * 1024
/** A chunk this big (a full TLS record) is bulk data: its target is corked until the loop turn
 * ends, so the turn's chunks leave in one write. Smaller ones (commands, answers) go at once:
 * corking them too cost an interactive round trip about 15 µs. */
export const CORK_FROM_BYTES = 16 * 1024
/** An upstream connection's own read arena (read-arena.ts), taken once a read is this big, and
 * its size: about one loop turn of a bulk download (up to 32 reads of 64 KiB), so most turns are
 * one write, and it is reused rather than replaced (the write before it has completed). */
export const BULK_READ_BYTES = 4 * 1024
export const ARENA_BYTES = 1024 * 1024

/** How long a client may take to send each line before STARTTLS on a local STARTTLS side: stops a
 * device that connects and never upgrades (or drips one byte at a time). */
export const LOCAL_BEFORE_TLS_LINE_MS = 30_000

/** Commands answered before STARTTLS on a local STARTTLS side: a client that keeps talking in clear
 * is cut off. */
export const MAX_LOCAL_BEFORE_TLS_COMMANDS = 16

/** Longest client line before TLS on a local STARTTLS side: commands allowed then are short. */
export const MAX_LOCAL_BEFORE_TLS_LINE_BYTES = 2048

/** Unanswered pipelined POP3 commands the filter tracks: a client that never reads cannot grow it. */
export const MAX_POP3_PENDING_COMMANDS = 1024

/** Bytes at the start of a server's IMAP line searched for CAPABILITY: a long line (a FETCH
 * response) costs no more to look at than a short one. */
export const MAX_IMAP_RESPONSE_HEAD_BYTES = 64

/** Longest client command kept in a connection's record (cut with "…"): a long line cannot bloat
 * the record or the log. */
export const MAX_RECORDED_COMMAND_CHARS = 200

/** Names in a generated local certificate's subjectAltName: a machine with many interfaces cannot
 * grow the certificate without bound. */
export const MAX_LOCAL_CERT_NAMES = 32

/** Pending connections the OS queues for a listener before the tunnel accepts them: a burst of
 * connects is queued, a flood beyond it is refused by the OS. */
export const LISTEN_BACKLOG = 1024

/** Characters of a tunnel's name kept in its id: ids stay short in settings, logs and the CLI. */
export const MAX_TUNNEL_ID_SLUG_CHARS = 40

/** Characters of a server's refusal quoted in a start check's detail: a long greeting cannot
 * flood the UI or the log. */
export const MAX_CHECK_REFUSAL_CHARS = 200

/** A refused client's warning is logged once per source address in this window; later refusals
 * in it are counted and said in one line: a device retrying every second cannot flood the log. */
export const REFUSAL_LOG_WINDOW_MS = 60_000

/** Source addresses whose refusal window is tracked at once: a scan from many addresses cannot
 * grow memory; refusals from further addresses share one window and one count. */
export const MAX_REFUSAL_LOG_SOURCES = 1024

/** An OAuth tunnel's sign-in gate (sign-in/gate.ts): from the client's connect until its login is
 * done. A client that connects and never logs in (or drips bytes) cannot hold an upstream session. */
export const SIGN_IN_DEADLINE_MS = 60_000

/** Logins a client may try on one connection of an OAuth tunnel before it is closed (guessing). */
export const MAX_SIGN_IN_ATTEMPTS = 3

/** Commands a client may send before logging in to an OAuth tunnel (CAPABILITY, NOOP, EHLO...). */
export const MAX_SIGN_IN_COMMANDS = 32

/** After a wrong local password the answer waits this long: guessing costs time per attempt. */
export const WRONG_LOCAL_PASSWORD_DELAY_MS = 1_000

/** Longest client line before its login (a SASL PLAIN response with a long password fits). */
export const MAX_SIGN_IN_LINE_BYTES = 8 * 1024

/** Longest literal in an IMAP LOGIN (a user name or a password). */
export const MAX_SIGN_IN_LITERAL_BYTES = 1024

/** Bytes a client may send before its login is done. */
export const MAX_SIGN_IN_CLIENT_BYTES = 64 * 1024

/** Longest server line during the sign-in (an EHLO line, a base64 JSON challenge, a CAPA line). */
export const MAX_SIGN_IN_SERVER_LINE_BYTES = 16 * 1024

/** Bytes the server may send during the sign-in (greeting, capabilities, the token exchange). */
export const MAX_SIGN_IN_SERVER_BYTES = 256 * 1024

/** Lines of one server answer read during the sign-in (an EHLO or CAPA list, untagged lines). */
export const MAX_SIGN_IN_SERVER_LINES = 256
