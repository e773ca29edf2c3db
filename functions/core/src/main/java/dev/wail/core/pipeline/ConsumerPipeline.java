package dev.wail.core.pipeline;

import dev.wail.core.coalesce.CoalescedIntent;
import dev.wail.core.coalesce.Coalescer;
import dev.wail.core.coalesce.DeliveredIntent;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The consumer's recipe for one batch of messages: decode -> route to a configured table -> canonical keys (the
 * source's one spelling of each key) -> transaction statuses (intents of transactions the source never assigned set
 * aside) -> coalesce per entity -> verify write-ahead intents -> read the source and write the sink under the sink's
 * per-entity guard, at most {@code maxEntitiesPerRefresh} entities per sink call -> one outcome per message.
 *
 * <p>A problem stays with the intents it concerns: a malformed message is rejected whole; an unconfigured table, a
 * key its column cannot hold or a transaction its source never assigned rejects only the intents that carried it
 * (their message's other intents are done, see {@link MessageOutcome#partlyRejected()}); a pending transaction
 * retries only the messages of its entity; a failed table retries only the messages that carried that table's
 * intents.
 *
 * <p>Cost: every step is linear in the batch's intents (hash maps, no scans per message or per failure), the source
 * and the sink are called once per table and per {@code maxEntitiesPerRefresh} entities, whatever the number of
 * messages that carried them. The cap bounds what one sink call holds in memory (keys, read states, statement
 * parameters) and how long its guards are held; the calls of one table run one after another.
 */
public final class ConsumerPipeline {

    /** Entities per sink call unless configured: see {@code wail.consumer.max-entities-per-refresh}. */
    public static final int DEFAULT_MAX_ENTITIES_PER_REFRESH = 2_000;

    private final IntentCodec codec;
    private final TableRegistry registry;
    private final Map<String, Source> sources;
    private final Sink sink;
    private final Clock clock;
    private final int maxEntitiesPerRefresh;

    /** @param sources the source of every configured table, by source name */
    public ConsumerPipeline(IntentCodec codec, TableRegistry registry, Map<String, Source> sources, Sink sink) {
        this(codec, registry, sources, sink, Clock.systemUTC());
    }

    /** @param clock measures refresh latency and freshness lag */
    public ConsumerPipeline(IntentCodec codec, TableRegistry registry, Map<String, Source> sources, Sink sink,
            Clock clock) {
        this(codec, registry, sources, sink, clock, DEFAULT_MAX_ENTITIES_PER_REFRESH);
    }

    /**
     * @param maxEntitiesPerRefresh the most entities one {@link Sink#refresh} call (one source read, one sink
     *                              transaction) carries; a table with more is refreshed in several calls, in order
     */
    public ConsumerPipeline(IntentCodec codec, TableRegistry registry, Map<String, Source> sources, Sink sink,
            Clock clock, int maxEntitiesPerRefresh) {
        if (maxEntitiesPerRefresh < 1) {
            throw new IllegalArgumentException("maxEntitiesPerRefresh (wail.consumer.max-entities-per-refresh) must be"
                    + " at least 1, got " + maxEntitiesPerRefresh);
        }
        this.clock = clock;
        this.codec = codec;
        this.registry = registry;
        this.sources = Map.copyOf(sources);
        this.sink = sink;
        this.maxEntitiesPerRefresh = maxEntitiesPerRefresh;
        for (TableBinding table : registry.tables()) {
            if (!this.sources.containsKey(table.source())) {
                throw new IllegalArgumentException("table " + table.qualifiedName() + ": source '" + table.source()
                        + "' is not configured");
            }
        }
    }

    /** @return one outcome per message, in the order given; never fails (failures become outcomes). */
    public Uni<BatchResult> process(List<InboundMessage> messages) {
        MessageOutcomes outcomes = new MessageOutcomes(messages.size());
        Map<TableBinding, List<DeliveredIntent>> byTable = new LinkedHashMap<>();
        int intents = 0;
        for (InboundMessage message : messages) {
            intents += route(message, byTable, outcomes);
        }
        List<Uni<TableResult>> tables = new ArrayList<>(byTable.size());
        byTable.forEach((table, delivered) -> tables.add(processTable(table, delivered)));
        int decoded = intents;
        if (tables.isEmpty()) {
            return Uni.createFrom().item(new BatchResult(outcomes.outcomes(), decoded, List.of()));
        }
        return Uni.join().all(tables).andFailFast().map(results -> {
            results.forEach(result -> result.report(outcomes));
            return new BatchResult(outcomes.outcomes(), decoded, results.stream().map(TableResult::stats).toList());
        });
    }

    /** @return the number of intents the message carried */
    private int route(InboundMessage message, Map<TableBinding, List<DeliveredIntent>> byTable,
            MessageOutcomes outcomes) {
        outcomes.received(message.id());
        List<Intent> intents;
        try {
            intents = codec.decodeAll(message.body());
        } catch (IntentFormatException malformed) {
            outcomes.malformed(message.id(), "malformed intent: " + malformed.getMessage());
            return 0;
        }
        outcomes.decoded(message.id(), intents);
        // A packed message's intents mostly name one table: look its list up once per run, not once per intent.
        TableBinding lastTable = null;
        List<DeliveredIntent> lastList = null;
        for (int i = 0; i < intents.size(); i++) {
            Intent intent = intents.get(i);
            DeliveredIntent delivered = new DeliveredIntent(message.id(), intent, i);
            TableBinding table = registry.find(intent.source(), intent.table()).orElse(null);
            if (table == null) {
                outcomes.reject(delivered, "table not configured: " + intent.source() + "/" + intent.table());
            } else if (!intent.key().columns().equals(table.keyColumns())) {
                outcomes.reject(delivered, "key columns " + intent.key().columns() + " of " + intent.entity()
                        + " do not match the configured key columns " + table.keyColumns());
            } else {
                if (table != lastTable) {
                    lastTable = table;
                    lastList = byTable.computeIfAbsent(table, t -> new ArrayList<>());
                }
                lastList.add(delivered);
            }
        }
        return intents.size();
    }

    /**
     * One table's part of the batch: canonical keys, then verification, coalescing and the refresh. A failure
     * (source or sink unreachable) retries every message that carried one of the table's intents.
     */
    private Uni<TableResult> processTable(TableBinding table, List<DeliveredIntent> delivered) {
        Source source = sources.get(table.source());
        long started = clock.millis();
        TableResult result = new TableResult(table, delivered.size());
        newestCaptureVersion(delivered).ifPresent(version -> source.captureVersionSeen(table, version));
        return source.keys(table, distinctKeys(delivered))
                .map(check -> canonical(table, delivered, check, result))
                .chain(canonical -> source.transactionStatus(Verification.transactionIds(canonical))
                        .chain(statuses -> {
                            List<CoalescedIntent> entities = Coalescer.coalesce(
                                    withoutUnknownTransactions(canonical, statuses, result));
                            return refresh(table, source, entities, statuses, result);
                        }))
                .map(done -> done.finished(started, clock.millis()))
                .onFailure().recoverWithItem(failure -> TableResult.retryAll(table, delivered, failure));
    }

    /**
     * Rewrites every intent's key to the source's canonical form (so that one row is one entity however its key was
     * spelled) and sets aside, rejected with the reason, the intents whose key the source can never hold.
     */
    private static List<DeliveredIntent> canonical(TableBinding table, List<DeliveredIntent> delivered,
            KeyCheck check, TableResult result) {
        List<DeliveredIntent> canonical = new ArrayList<>(delivered.size());
        for (DeliveredIntent d : delivered) {
            Intent intent = d.intent();
            Optional<String> problem = check.problemOf(intent.key());
            if (problem.isPresent()) {
                result.reject(d, "key of " + intent.entity() + ": " + problem.get());
                continue;
            }
            EntityKey key = check.canonicalOf(intent.key());
            canonical.add(key.equals(intent.key()) ? d : d.with(new Intent(intent.source(), intent.table(), key,
                    intent.operation(), intent.version(), intent.capturedAt())));
        }
        return canonical;
    }

    /**
     * Rejects, with the reason, the intents whose transaction the source never assigned (another cluster's, a forged
     * id, or one lost in a failover), but still reads their entities, as for an intent without a version: reading
     * the current row is always safe, and after a failover that lost WAL it is what brings the sink back to the
     * source. Their transaction is left out of the visibility check.
     */
    private static List<DeliveredIntent> withoutUnknownTransactions(List<DeliveredIntent> delivered,
            Map<Long, TransactionStatus> statuses, TableResult result) {
        List<DeliveredIntent> verifiable = new ArrayList<>(delivered.size());
        for (DeliveredIntent d : delivered) {
            Intent intent = d.intent();
            Optional<String> unknown = Verification.unknownTransaction(intent, statuses);
            if (unknown.isPresent()) {
                result.reject(d, unknown.get());
                verifiable.add(d.with(new Intent(intent.source(), intent.table(), intent.key(), intent.operation(),
                        VersionHint.NONE, intent.capturedAt())));
            } else {
                verifiable.add(d);
            }
        }
        return verifiable;
    }

    /**
     * Verifies the table's entities, retries the pending ones, and refreshes the others in calls of at most
     * {@link #maxEntitiesPerRefresh} entities, one after another.
     */
    private Uni<TableResult> refresh(TableBinding table, Source source, List<CoalescedIntent> entities,
            Map<Long, TransactionStatus> statuses, TableResult result) {
        Verification verification = Verification.of(entities, statuses);
        result.verified(entities.size(), verification.aborted().size(), verification.pending().size());
        verification.pending().forEach(entity -> result.retry(entity,
                Verification.pendingReason(entity, statuses)));
        List<CoalescedIntent> toRefresh = verification.refresh();
        if (toRefresh.isEmpty()) {
            return Uni.createFrom().item(result);
        }
        List<List<CoalescedIntent>> calls = new ArrayList<>();
        for (int from = 0; from < toRefresh.size(); from += maxEntitiesPerRefresh) {
            calls.add(toRefresh.subList(from, Math.min(toRefresh.size(), from + maxEntitiesPerRefresh)));
        }
        return Multi.createFrom().iterable(calls)
                .onItem().transformToUniAndConcatenate(call -> write(table, source, call,
                        Verification.committedTransactions(call, statuses), result, true))
                .collect().last()
                .replaceWith(result);
    }

    /**
     * Reads and writes one call's entities under the sink's guards. When the read fails only because the source
     * cannot hold some keys, their intents are rejected with the source's reason and the others are refreshed in a
     * second (and last) attempt.
     */
    private Uni<Void> write(TableBinding table, Source source, List<CoalescedIntent> entities, Set<Long> committed,
            TableResult result, boolean firstAttempt) {
        if (entities.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<EntityKey> keys = keysOf(entities);
        TimedRead read = new TimedRead((requested, floor) -> source.read(table, requested,
                new Freshness(floor.position(), committed, floor.history())), clock);
        Uni<Void> written = Uni.createFrom().deferred(() -> {
            long started = clock.millis();
            return sink.refresh(table, keys, read)
                    .invoke(refused -> result.written(entities, refused, read.millis(),
                            clock.millis() - started - read.millis()))
                    .replaceWithVoid();
        });
        if (!firstAttempt) {
            return written;
        }
        return written.onFailure(UnreadableKeysException.class).recoverWithUni(failure -> write(table, source,
                result.withoutUnreadable(entities, ((UnreadableKeysException) failure).reasons()), committed, result,
                false));
    }

    /** The one source read a sink makes under its guards, timed: the hydration part of a refresh. */
    private static final class TimedRead implements Sink.StateReader {

        private final Sink.StateReader reader;
        private final Clock clock;
        private volatile long millis;

        TimedRead(Sink.StateReader reader, Clock clock) {
            this.reader = reader;
            this.clock = clock;
        }

        @Override
        public Uni<SourceSnapshot> read(List<EntityKey> keys, Sink.Floor floor) {
            return Uni.createFrom().deferred(() -> {
                long started = clock.millis();
                return reader.read(keys, floor).invoke(() -> millis = clock.millis() - started);
            });
        }

        long millis() {
            return millis;
        }
    }

    private static List<EntityKey> keysOf(List<CoalescedIntent> entities) {
        List<EntityKey> keys = new ArrayList<>(entities.size());
        entities.forEach(entity -> keys.add(entity.latest().key()));
        return keys;
    }

    /** The newest capture version among the intents, if any carries one. */
    private static Optional<Integer> newestCaptureVersion(List<DeliveredIntent> delivered) {
        Integer newest = null;
        for (DeliveredIntent d : delivered) {
            Integer version = d.intent().captureVersion();
            if (version != null && (newest == null || version > newest)) {
                newest = version;
            }
        }
        return Optional.ofNullable(newest);
    }

    private static List<EntityKey> distinctKeys(List<DeliveredIntent> delivered) {
        Set<EntityKey> keys = new LinkedHashSet<>();
        delivered.forEach(d -> keys.add(d.intent().key()));
        return List.copyOf(keys);
    }

    /**
     * One table's part of a batch, filled in as it goes (by one chain of steps, one after another): the intents
     * rejected and the messages to retry, the refreshed entities, counts, and how long the source reads and the
     * sink's part of the refreshes took.
     */
    private static final class TableResult {

        /** A rejected intent or a message to retry: reported to the batch's outcomes once the tables joined. */
        private record Problem(DeliveredIntent rejected, String retriedMessageId, String reason) {
        }

        private final TableBinding table;
        private final int intents;
        private final List<Problem> problems = new ArrayList<>();
        private final List<CoalescedIntent> refreshed = new ArrayList<>();
        private int entities;
        private int droppedAborted;
        private int pending;
        private int guardRefused;
        private long hydrationMillis;
        private long sinkMillis;
        private TableStats stats;

        TableResult(TableBinding table, int intents) {
            this.table = table;
            this.intents = intents;
        }

        void reject(DeliveredIntent delivered, String reason) {
            problems.add(new Problem(delivered, null, reason));
        }

        /** Every message that carried one of the entity's intents is delivered again. */
        void retry(CoalescedIntent entity, String reason) {
            entity.messageIds().forEach(id -> problems.add(new Problem(null, id, reason)));
        }

        void verified(int entities, int droppedAborted, int pending) {
            this.entities = entities;
            this.droppedAborted = droppedAborted;
            this.pending = pending;
        }

        /**
         * One sink call's result. The entities the sink's guard refused are not refreshed: their messages are
         * retried with the sink's reason (see {@link Sink#refresh}), never acknowledged.
         */
        void written(List<CoalescedIntent> entities, Map<EntityKey, String> refused, long hydration, long sink) {
            hydrationMillis += hydration;
            sinkMillis += sink;
            for (CoalescedIntent entity : entities) {
                String reason = refused.get(entity.latest().key());
                if (reason == null) {
                    refreshed.add(entity);
                } else {
                    guardRefused++;
                    retry(entity, "the sink refused the state of " + entity.entity() + " (" + table.sinkTable()
                            + "): " + reason);
                }
            }
        }

        /** @return the entities whose key the source can read; the intents of the others are rejected */
        List<CoalescedIntent> withoutUnreadable(List<CoalescedIntent> entities, Map<EntityKey, String> unreadable) {
            List<CoalescedIntent> readable = new ArrayList<>(entities.size());
            for (CoalescedIntent entity : entities) {
                String reason = unreadable.get(entity.latest().key());
                if (reason == null) {
                    readable.add(entity);
                } else {
                    entity.deliveries().forEach(d -> reject(d, "key of " + entity.entity() + ": " + reason));
                }
            }
            return readable;
        }

        int refreshed() {
            return refreshed.size();
        }

        TableStats stats() {
            return stats;
        }

        void report(MessageOutcomes outcomes) {
            for (Problem problem : problems) {
                if (problem.rejected() != null) {
                    outcomes.reject(problem.rejected(), problem.reason());
                } else {
                    outcomes.retry(problem.retriedMessageId(), problem.reason());
                }
            }
        }

        /** Stamps the table's figures once its last sink transaction committed. */
        TableResult finished(long startedMillis, long nowMillis) {
            List<Long> lags = new ArrayList<>(refreshed.size());
            refreshed.forEach(entity -> lags.add(nowMillis - entity.latest().capturedAt().toEpochMilli()));
            stats = new TableStats(table.source(), table.table(), intents, entities, refreshed(), droppedAborted,
                    pending, guardRefused, refreshed.isEmpty() ? 0 : nowMillis - startedMillis, hydrationMillis,
                    sinkMillis, lags);
            return this;
        }

        static TableResult retryAll(TableBinding table, List<DeliveredIntent> delivered, Throwable failure) {
            String reason = "table " + table.qualifiedName() + " failed: " + failure;
            TableResult result = new TableResult(table, delivered.size());
            Set<String> messages = new HashSet<>();
            Set<EntityKey> keys = new HashSet<>();
            for (DeliveredIntent d : delivered) {
                if (messages.add(d.messageId())) {
                    result.problems.add(new Problem(null, d.messageId(), reason));
                }
                keys.add(d.intent().key());
            }
            result.entities = keys.size();
            return result.finished(0, 0);
        }
    }
}
