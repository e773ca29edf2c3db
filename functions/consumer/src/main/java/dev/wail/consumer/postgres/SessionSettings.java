package dev.wail.consumer.postgres;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The limits every connection the consumer opens carries, sent as PostgreSQL settings when the connection starts, so
 * that nothing the consumer holds (a sink transaction's advisory locks, a pooled connection) outlives a stalled
 * server, a stalled peer or a killed function environment for long:
 * <ul>
 *   <li>{@code statement_timeout}: a statement (a source read, the sink's lock wait or write) that runs longer is
 *       cancelled; its transaction rolls back and releases its locks, and the batch is retried;</li>
 *   <li>{@code lock_timeout}: a wait for a lock (a source table locked by a migration, a sink entity another batch
 *       holds) that lasts longer fails the same way;</li>
 *   <li>{@code idle_in_transaction_session_timeout}: a transaction left open by a client that stopped talking (a
 *       frozen or killed environment) is ended by the server, releasing its locks;</li>
 *   <li>{@code tcp_keepalives_idle}/{@code _interval}/{@code _count}: the server probes an idle client and drops
 *       the connection of one that is gone (a half-open socket), rather than waiting for the operating system's
 *       two-hour default.</li>
 * </ul>
 * Durations are written as PostgreSQL and Java configuration both read them: a number of seconds or milliseconds,
 * {@code 10s} or {@code 500ms}. Keep them below the function's timeout, so a stalled call ends before Lambda kills
 * the environment.
 */
public record SessionSettings(Duration statementTimeout, Duration lockTimeout, Duration idleInTransactionTimeout,
        Duration keepaliveIdle) {

    /** The defaults of {@code wail.consumer.*}, well below the consumer function's timeout. */
    public static final SessionSettings DEFAULTS = new SessionSettings(Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30));

    /**
     * @throws IllegalArgumentException when the idle in transaction timeout is not above the statement timeout: the
     *     sink's transaction is idle while the source read runs, and must outlive it
     */
    public SessionSettings {
        if (idleInTransactionTimeout.compareTo(statementTimeout) <= 0) {
            throw new IllegalArgumentException("wail.consumer.idle-in-transaction-timeout (" + idleInTransactionTimeout
                    + ") must be longer than wail.consumer.statement-timeout (" + statementTimeout + "): a sink "
                    + "transaction is idle while its source read runs");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s)");
    /** Seconds between keepalive probes, and unanswered probes before the connection is dropped. */
    private static final int KEEPALIVE_INTERVAL_SECONDS = 10;
    private static final int KEEPALIVE_COUNT = 3;

    /**
     * @param property the configuration property the value came from, named in the error
     * @throws IllegalArgumentException naming the property and the form expected
     */
    public static Duration parse(String property, String value) {
        Matcher matcher = DURATION.matcher(value.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(property + "=" + value + ": write a whole number of seconds or "
                    + "milliseconds, e.g. 10s or 500ms (PostgreSQL and the consumer both read that form)");
        }
        long amount = Long.parseLong(matcher.group(1));
        return matcher.group(2).equals("s") ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
    }

    /** The settings as connection start-up parameters (milliseconds and seconds, as PostgreSQL reads them). */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("statement_timeout", Long.toString(statementTimeout.toMillis()));
        parameters.put("lock_timeout", Long.toString(lockTimeout.toMillis()));
        parameters.put("idle_in_transaction_session_timeout", Long.toString(idleInTransactionTimeout.toMillis()));
        parameters.put("tcp_keepalives_idle", Long.toString(Math.max(1, keepaliveIdle.toSeconds())));
        parameters.put("tcp_keepalives_interval", Integer.toString(KEEPALIVE_INTERVAL_SECONDS));
        parameters.put("tcp_keepalives_count", Integer.toString(KEEPALIVE_COUNT));
        return parameters;
    }
}
