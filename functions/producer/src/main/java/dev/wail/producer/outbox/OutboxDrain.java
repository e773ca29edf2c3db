package dev.wail.producer.outbox;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.producer.hook.HookPayloadException;
import dev.wail.producer.hook.HookPayloadReader;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import dev.wail.producer.config.ProducerDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Moves hook payloads from {@code wail.outbox} to the intent log.
 *
 * <p>Each drain is one transaction: lock up to {@code batchRows} rows with {@code FOR UPDATE SKIP LOCKED} (so several
 * drainers share the outbox without waiting on or repeating each other), append their intents, delete the rows whose
 * intents were all accepted, and move unreadable rows to {@code wail.outbox_rejected} with the reason. A row with an
 * intent the log refused stays, and is sent again, whole, by a later drain: duplicates are harmless downstream, gaps
 * would not be.
 *
 * <p>A readable row with some bad key entries (a key value the consumer would reject) is treated like
 * {@code aurora-hook} treats such a payload: its good entries are appended, and when the row leaves the outbox its bad
 * entries are recorded in {@code wail.outbox_rejected} under the row's id: {@code payload} holds the row's payload
 * reduced to the bad entries, as sent, and {@code reason} one line per bad entry, in the same order, naming the entry
 * ({@code k[3]}) and the limit it breaks. One bad key never holds back the keys of its neighbours.
 */
public final class OutboxDrain {

    private static final Logger LOG = Logger.getLogger(OutboxDrain.class);
    /**
     * A row holds its payload's text (written before the hooks of issue 18) or small typed columns the hook wrote;
     * {@code wail.outbox_payload} (hooks.sql) makes the same payload text from either.
     */
    private static final String LOCK_BATCH = "SELECT o.id, wail.outbox_payload(o) AS payload FROM wail.outbox o"
            + " ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED";
    /** The oldest row is the lowest id (ids grow with insertion), found through the primary key's index. */
    private static final String OLDEST_AGE_MILLIS = "SELECT (extract(epoch FROM clock_timestamp() - created_at) * 1000)"
            + "::bigint AS age FROM wail.outbox ORDER BY id LIMIT 1";
    private static final String DELETE_SETTLED = "DELETE FROM wail.outbox WHERE id = ANY($1)";
    private static final String RECORD_REJECTED = """
            INSERT INTO wail.outbox_rejected (id, payload, reason)
            SELECT id, payload, reason FROM unnest($1::bigint[], $2::text[], $3::text[]) AS r(id, payload, reason)""";

    private final Pool pool;
    private final IntentLog log;
    private final int batchRows;
    private final int sendsInFlight;
    private final Duration idlePoll;
    private final DrainObserver observer;

    /** A drain with the shipped defaults for {@link #drainUntil}: see {@link ProducerDefaults}. */
    public OutboxDrain(Pool pool, IntentLog log, int batchRows) {
        this(pool, log, batchRows, ProducerDefaults.outboxSendsInFlight(), ProducerDefaults.outboxIdlePoll());
    }

    /**
     * @param batchRows     rows locked, sent and deleted per transaction
     * @param sendsInFlight transactions {@link #drainUntil} and {@link #drainUntilEmpty} run at once while there is a
     *                      backlog (the pool needs as many connections to use them all)
     * @param idlePoll      how long {@link #drainUntil} waits after a batch that was not full before it polls again
     */
    public OutboxDrain(Pool pool, IntentLog log, int batchRows, int sendsInFlight, Duration idlePoll) {
        this(pool, log, batchRows, sendsInFlight, idlePoll, DrainObserver.NONE);
    }

    /**
     * As {@link #OutboxDrain(Pool, IntentLog, int, int, Duration)}, telling {@code observer} of each transaction (of
     * every drain method), idle polls included.
     */
    public OutboxDrain(Pool pool, IntentLog log, int batchRows, int sendsInFlight, Duration idlePoll,
            DrainObserver observer) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be at least 1, got " + batchRows);
        }
        if (sendsInFlight < 1) {
            throw new IllegalArgumentException("sendsInFlight must be at least 1, got " + sendsInFlight);
        }
        if (idlePoll.isNegative()) {
            throw new IllegalArgumentException("idlePoll must not be negative, got " + idlePoll);
        }
        this.pool = pool;
        this.log = log;
        this.batchRows = batchRows;
        this.sendsInFlight = sendsInFlight;
        this.idlePoll = idlePoll;
        this.observer = observer;
    }

    /** Drains one batch in one transaction, and tells the observer of it. */
    public Uni<DrainReport> drainOnce() {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            long[] appendNanos = new long[1];
            return pool.withTransaction(connection -> connection.preparedQuery(LOCK_BATCH).execute(Tuple.of(batchRows))
                    .map(Batch::read)
                    .chain(batch -> timed(appendOffTheEventLoop(batch.intents), appendNanos)
                            .chain(result -> settle(connection, batch, result))))
                    .invoke(report -> observer.transaction(new DrainObserver.Transaction(report, start,
                            appendNanos[0], System.nanoTime())));
        });
    }

    /** {@code append}, its time (subscription to result) written to {@code nanos[0]}. */
    private static Uni<AppendResult> timed(Uni<AppendResult> append, long[] nanos) {
        long[] start = new long[1];
        return append.onSubscription().invoke(() -> start[0] = System.nanoTime())
                .invoke(() -> nanos[0] = System.nanoTime() - start[0]);
    }

    /**
     * Drains one batch, then more while the outbox still had a full batch and {@code deadlineMillis} (epoch) is not
     * reached, with up to {@code sendsInFlight} transactions at once. Stops early when the log refuses intents: the
     * rest waits for the next invocation.
     */
    public DrainReport drainUntilEmpty(long deadlineMillis) {
        return loop(Duration.ZERO, true).until(deadlineMillis);
    }

    /**
     * Keeps draining until {@code deadlineMillis} (epoch milliseconds): without pause while batches come back full (up
     * to {@code sendsInFlight} transactions at once), otherwise polling again after the idle poll interval, so that a
     * change waits at most about that interval. Drains at least one batch, even past the deadline. Rows the log
     * refused stay in the outbox and are sent again after a pause of a second. The report counts the polls that found
     * the outbox empty. Several callers (overlapping invocations) may poll at once: {@code SKIP LOCKED} gives each its
     * own rows.
     */
    public DrainReport drainUntil(long deadlineMillis) {
        return loop(idlePoll, false).until(deadlineMillis);
    }

    private DrainLoop loop(Duration pause, boolean untilCaughtUp) {
        return new DrainLoop(() -> drainOnce().await().indefinitely(), batchRows, sendsInFlight, pause, untilCaughtUp,
                System::currentTimeMillis);
    }

    /** How long the oldest row still in the outbox has waited, by the database's clock; 0 when it is empty. */
    public long oldestAgeMillis() {
        RowSet<Row> rows = pool.query(OLDEST_AGE_MILLIS).execute().await().indefinitely();
        return rows.size() == 0 ? 0 : Math.max(0, rows.iterator().next().getLong("age"));
    }

    private Uni<AppendResult> appendOffTheEventLoop(List<Intent> intents) {
        if (intents.isEmpty()) {
            return Uni.createFrom().item(AppendResult.allAccepted());
        }
        // The SDK call blocks; it must not run on a Vert.x event loop thread.
        Context current = Vertx.currentContext();
        if (current == null) {
            return Uni.createFrom().item(() -> log.append(intents))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        // On a worker of a duplicated context of its own: Quarkus keeps the MDC in the duplicated Vert.x context, so
        // on a thread whose current context is the event loop's root context the trace lines' MDC fields would be lost.
        Context duplicated = VertxContext.createNewDuplicatedContext(current);
        return Uni.createFrom().completionStage(() -> duplicated.executeBlocking(() -> log.append(intents), false)
                .toCompletionStage());
    }

    private static Uni<DrainReport> settle(SqlConnection connection, Batch batch, AppendResult result) {
        Set<Integer> failedIntents = new HashSet<>(result.failedIndexes());
        List<Long> settled = new ArrayList<>(batch.rejected.stream().map(Batch.Rejection::rowId).toList());
        List<Batch.Rejection> recorded = new ArrayList<>(batch.rejected);
        int sentIntents = 0;
        int rejectedKeys = 0;
        for (Batch.Span span : batch.spans) {
            if (span.noneFailed(failedIntents)) {
                settled.add(span.rowId);
                sentIntents += span.count;
                if (span.badKeys != null) {
                    recorded.add(span.badKeys);
                    rejectedKeys += span.badKeyCount;
                    LOG.errorf("outbox row %d: %d key entries rejected and recorded in wail.outbox_rejected (its %d "
                            + "others were appended): %s", span.rowId, span.badKeyCount, span.count,
                            span.badKeys.reason());
                }
            }
        }
        int retained = batch.spans.size() + batch.rejected.size() - settled.size();
        if (retained > 0) {
            LOG.warnf("kept %d outbox rows for a later drain: the log did not accept %d of their intents (%s)",
                    retained, failedIntents.size(), result.firstError());
        }
        DrainReport report = new DrainReport(batch.spans.size() + batch.rejected.size(), sentIntents,
                batch.rejected.size(), retained, rejectedKeys);
        Uni<?> deleteSettled = settled.isEmpty() ? Uni.createFrom().voidItem()
                : connection.preparedQuery(DELETE_SETTLED).execute(Tuple.of(settled.toArray(Long[]::new)));
        return deleteSettled.chain(() -> recorded.isEmpty() ? Uni.createFrom().voidItem()
                : connection.preparedQuery(RECORD_REJECTED).execute(Tuple.of(
                        recorded.stream().map(Batch.Rejection::rowId).toArray(Long[]::new),
                        recorded.stream().map(Batch.Rejection::payload).toArray(String[]::new),
                        recorded.stream().map(Batch.Rejection::reason).toArray(String[]::new))))
                .replaceWith(report);
    }

    /** The locked rows, read: their intents laid end to end, and which span of them each row owns. */
    private static final class Batch {
        final List<Intent> intents = new ArrayList<>();
        final List<Span> spans = new ArrayList<>();
        /** Rows whose payload is unreadable as a whole. */
        final List<Rejection> rejected = new ArrayList<>();

        /** What goes to {@code wail.outbox_rejected} for one row. */
        record Rejection(long rowId, String payload, String reason) {
        }

        /** One readable row: its intents, and its bad key entries ({@code null} when none) with how many. */
        record Span(long rowId, int first, int count, Rejection badKeys, int badKeyCount) {
            boolean noneFailed(Set<Integer> failed) {
                for (int i = first; i < first + count; i++) {
                    if (failed.contains(i)) {
                        return false;
                    }
                }
                return true;
            }
        }

        static Batch read(RowSet<Row> rows) {
            Batch batch = new Batch();
            for (Row row : rows) {
                long id = row.getLong("id");
                String payload = row.getString("payload");
                try {
                    HookPayloadReader.Read read = HookPayloadReader.readEach(payload);
                    List<HookPayloadException> bad = read.rejectedKeys();
                    Rejection badKeys = bad.isEmpty() ? null : new Rejection(id, read.rejectedPayload(),
                            bad.stream().map(HookPayloadException::getMessage).collect(Collectors.joining("\n")));
                    batch.spans.add(new Span(id, batch.intents.size(), read.intents().size(), badKeys, bad.size()));
                    batch.intents.addAll(read.intents());
                } catch (HookPayloadException | IllegalArgumentException unreadable) {
                    LOG.errorf("outbox row %d is unreadable and was moved to wail.outbox_rejected: %s", id,
                            unreadable.getMessage());
                    batch.rejected.add(new Rejection(id, payload, unreadable.getMessage()));
                }
            }
            return batch;
        }
    }
}
