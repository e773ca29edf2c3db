package dev.wail.core.pipeline;

import dev.wail.core.coalesce.CoalescedIntent;
import dev.wail.core.coalesce.Coalescer;
import dev.wail.core.coalesce.DeliveredIntent;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * The consumer's recipe for one batch of messages: decode -> route to a configured table -> canonical keys (the
 * source's one spelling of each key) -> transaction statuses (intents of transactions the source never assigned set
 * aside) -> coalesce per entity -> verify write-ahead intents -> read the source and write the sink under the sink's
 * per-entity guard -> one outcome per message.
 *
 * <p>A problem stays with the messages it concerns: a malformed message, an unconfigured table, a key its column
 * cannot hold or a transaction its source never assigned rejects only the messages that carried it, a pending
 * transaction retries only the messages of its entity, a failed table retries only the messages that carried that
 * table's intents.
 */
public final class ConsumerPipeline {

    private final IntentCodec codec;
    private final TableRegistry registry;
    private final Map<String, Source> sources;
    private final Sink sink;
    private final Clock clock;

    /** @param sources the source of every configured table, by source name */
    public ConsumerPipeline(IntentCodec codec, TableRegistry registry, Map<String, Source> sources, Sink sink) {
        this(codec, registry, sources, sink, Clock.systemUTC());
    }

    /** @param clock measures refresh latency and freshness lag */
    public ConsumerPipeline(IntentCodec codec, TableRegistry registry, Map<String, Source> sources, Sink sink,
            Clock clock) {
        this.clock = clock;
        this.codec = codec;
        this.registry = registry;
        this.sources = Map.copyOf(sources);
        this.sink = sink;
        for (TableBinding table : registry.tables()) {
            if (!this.sources.containsKey(table.source())) {
                throw new IllegalArgumentException("table " + table.qualifiedName() + ": source '" + table.source()
                        + "' is not configured");
            }
        }
    }

    /** @return one outcome per message, in the order given; never fails (failures become outcomes). */
    public Uni<BatchResult> process(List<InboundMessage> messages) {
        Map<String, MessageOutcome> outcomes = new LinkedHashMap<>();
        Map<TableBinding, List<DeliveredIntent>> byTable = new LinkedHashMap<>();
        int intents = 0;
        for (InboundMessage message : messages) {
            outcomes.put(message.id(), MessageOutcome.done(message.id()));
            intents += route(message, byTable, outcomes);
        }
        List<Uni<TableResult>> tables = new ArrayList<>(byTable.size());
        byTable.forEach((table, delivered) -> tables.add(processTable(table, delivered)));
        int decoded = intents;
        if (tables.isEmpty()) {
            return Uni.createFrom().item(new BatchResult(List.copyOf(outcomes.values()), decoded, 0, 0, 0, 0,
                    List.of()));
        }
        return Uni.join().all(tables).andFailFast().map(results -> {
            results.forEach(r -> r.failures().forEach(f -> outcomes.merge(f.messageId(), f, MessageOutcome::worse)));
            return new BatchResult(List.copyOf(outcomes.values()), decoded,
                    sum(results, TableResult::entities), sum(results, TableResult::refreshed),
                    sum(results, TableResult::droppedAborted), sum(results, TableResult::pending),
                    results.stream().map(TableResult::stats).toList());
        });
    }

    /** @return the number of intents the message carried */
    private int route(InboundMessage message, Map<TableBinding, List<DeliveredIntent>> byTable,
            Map<String, MessageOutcome> outcomes) {
        List<Intent> intents;
        try {
            intents = codec.decodeAll(message.body());
        } catch (IntentFormatException malformed) {
            outcomes.put(message.id(), new MessageOutcome(message.id(), Status.REJECTED,
                    "malformed intent: " + malformed.getMessage()));
            return 0;
        }
        for (Intent intent : intents) {
            TableBinding table = registry.find(intent.source(), intent.table()).orElse(null);
            if (table == null) {
                reject(message, "table not configured: " + intent.source() + "/" + intent.table(), outcomes);
            } else if (!intent.key().columns().equals(table.keyColumns())) {
                reject(message, "key columns " + intent.key().columns() + " of " + intent.entity()
                        + " do not match the configured key columns " + table.keyColumns(), outcomes);
            } else {
                byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(new DeliveredIntent(message.id(), intent));
            }
        }
        return intents.size();
    }

    private static void reject(InboundMessage message, String reason, Map<String, MessageOutcome> outcomes) {
        outcomes.merge(message.id(), new MessageOutcome(message.id(), Status.REJECTED, reason), MessageOutcome::worse);
    }

    /**
     * One table's part of the batch: canonical keys, then verification, coalescing and the refresh. A failure
     * (source or sink unreachable) retries every message that carried one of the table's intents.
     */
    private Uni<TableResult> processTable(TableBinding table, List<DeliveredIntent> delivered) {
        Source source = sources.get(table.source());
        long started = clock.millis();
        List<MessageOutcome> rejected = new ArrayList<>();
        return source.keys(table, distinctKeys(delivered))
                .map(check -> canonical(table, delivered, check, rejected))
                .chain(canonical -> source.transactionStatus(Verification.transactionIds(canonical))
                        .chain(statuses -> {
                            List<CoalescedIntent> entities = Coalescer.coalesce(
                                    withoutUnknownTransactions(canonical, statuses, rejected));
                            return refresh(table, source, entities, statuses, rejected)
                                    .map(result -> result.finished(table, delivered.size(), started, clock.millis()));
                        }))
                .onFailure().recoverWithItem(failure -> TableResult.retryAll(table, delivered, failure));
    }

    /**
     * Rewrites every intent's key to the source's canonical form (so that one row is one entity however its key was
     * spelled) and sets aside, rejected with the reason, the intents whose key the source can never hold.
     */
    private static List<DeliveredIntent> canonical(TableBinding table, List<DeliveredIntent> delivered,
            KeyCheck check, List<MessageOutcome> rejected) {
        List<DeliveredIntent> canonical = new ArrayList<>(delivered.size());
        for (DeliveredIntent d : delivered) {
            Intent intent = d.intent();
            Optional<String> problem = check.problemOf(intent.key());
            if (problem.isPresent()) {
                rejected.add(new MessageOutcome(d.messageId(), Status.REJECTED,
                        "key of " + intent.entity() + ": " + problem.get()));
                continue;
            }
            EntityKey key = check.canonicalOf(intent.key());
            canonical.add(key.equals(intent.key()) ? d : new DeliveredIntent(d.messageId(), new Intent(
                    intent.source(), intent.table(), key, intent.operation(), intent.version(), intent.capturedAt())));
        }
        return canonical;
    }

    /**
     * Rejects, with the reason, the messages of intents whose transaction the source never assigned (another
     * cluster's, a forged id, or one lost in a failover), but still reads their entities, as for an intent without a
     * version: reading the current row is always safe, and after a failover that lost WAL it is what brings the sink
     * back to the source. Their transaction is left out of the visibility check.
     */
    private static List<DeliveredIntent> withoutUnknownTransactions(List<DeliveredIntent> delivered,
            Map<Long, TransactionStatus> statuses, List<MessageOutcome> rejected) {
        List<DeliveredIntent> verifiable = new ArrayList<>(delivered.size());
        for (DeliveredIntent d : delivered) {
            Intent intent = d.intent();
            Optional<String> unknown = Verification.unknownTransaction(intent, statuses);
            if (unknown.isPresent()) {
                rejected.add(new MessageOutcome(d.messageId(), Status.REJECTED, unknown.get()));
                verifiable.add(new DeliveredIntent(d.messageId(), new Intent(intent.source(), intent.table(),
                        intent.key(), intent.operation(), VersionHint.NONE, intent.capturedAt())));
            } else {
                verifiable.add(d);
            }
        }
        return verifiable;
    }

    private Uni<TableResult> refresh(TableBinding table, Source source, List<CoalescedIntent> entities,
            Map<Long, TransactionStatus> statuses, List<MessageOutcome> rejected) {
        Verification verification = Verification.of(entities, statuses);
        List<MessageOutcome> failures = new ArrayList<>(rejected);
        verification.pending().forEach(entity -> outcomes(entity, Status.RETRY,
                Verification.pendingReason(entity, statuses)).forEach(failures::add));
        TableResult result = new TableResult(failures, entities.size(), verification.refresh(),
                verification.aborted().size(), verification.pending().size(), 0, 0, 0, null);
        return write(table, source, verification, result, true);
    }

    /**
     * Reads and writes the result's entities under the sink's guards. When the read fails only because the source
     * cannot hold some keys, their messages are rejected with the source's reason and the others are refreshed in a
     * second (and last) attempt.
     */
    private Uni<TableResult> write(TableBinding table, Source source, Verification verification, TableResult result,
            boolean firstAttempt) {
        if (result.refreshedEntities().isEmpty()) {
            return Uni.createFrom().item(result);
        }
        List<EntityKey> keys = keysOf(result.refreshedEntities());
        TimedRead read = new TimedRead((requested, floor) -> source.read(table, requested,
                new Freshness(floor.position(), verification.committedTransactions(), floor.history())), clock);
        Uni<TableResult> written = Uni.createFrom().deferred(() -> {
            long started = clock.millis();
            return sink.refresh(table, keys, read)
                    .map(refused -> result.timed(read.millis(), clock.millis() - started - read.millis())
                            .refused(table, refused));
        });
        if (!firstAttempt) {
            return written;
        }
        return written.onFailure(UnreadableKeysException.class).recoverWithUni(failure -> write(table, source,
                verification, result.without(((UnreadableKeysException) failure).reasons()), false));
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
        return entities.stream().map(c -> c.latest().key()).toList();
    }

    private static List<EntityKey> distinctKeys(List<DeliveredIntent> delivered) {
        return delivered.stream().map(d -> d.intent().key()).distinct().toList();
    }

    private static Stream<MessageOutcome> outcomes(CoalescedIntent entity, Status status, String reason) {
        return entity.messageIds().stream().map(id -> new MessageOutcome(id, status, reason));
    }

    private static int sum(List<TableResult> results, ToIntFunction<TableResult> count) {
        return results.stream().mapToInt(count).sum();
    }

    /**
     * One table's part of a batch: the messages that did not succeed, the refreshed entities, counts, and how long
     * the source read and the sink's part of the refresh took.
     */
    private record TableResult(List<MessageOutcome> failures, int entities, List<CoalescedIntent> refreshedEntities,
            int droppedAborted, int pending, int guardRefused, long hydrationMillis, long sinkMillis,
            TableStats stats) {

        int refreshed() {
            return refreshedEntities.size();
        }

        /** The same, with the entities whose key the source cannot hold rejected instead of refreshed. */
        TableResult without(Map<EntityKey, String> unreadable) {
            List<MessageOutcome> rejected = new ArrayList<>(failures);
            List<CoalescedIntent> readable = new ArrayList<>(refreshedEntities.size());
            for (CoalescedIntent entity : refreshedEntities) {
                String reason = unreadable.get(entity.latest().key());
                if (reason == null) {
                    readable.add(entity);
                } else {
                    outcomes(entity, Status.REJECTED, "key of " + entity.entity() + ": " + reason)
                            .forEach(rejected::add);
                }
            }
            return new TableResult(rejected, entities, readable, droppedAborted, pending, guardRefused, 0, 0, stats);
        }

        TableResult timed(long hydration, long sink) {
            return new TableResult(failures, entities, refreshedEntities, droppedAborted, pending, guardRefused,
                    hydration, sink, stats);
        }

        /**
         * The entities the sink's guard refused are not refreshed: their messages are retried with the sink's reason
         * (see {@link Sink#refresh}), never acknowledged.
         */
        TableResult refused(TableBinding table, Map<EntityKey, String> refused) {
            if (refused.isEmpty()) {
                return this;
            }
            List<MessageOutcome> allFailures = new ArrayList<>(failures);
            List<CoalescedIntent> written = new ArrayList<>();
            for (CoalescedIntent entity : refreshedEntities) {
                String reason = refused.get(entity.latest().key());
                if (reason == null) {
                    written.add(entity);
                } else {
                    outcomes(entity, Status.RETRY, "the sink refused the state of " + entity.entity() + " ("
                            + table.sinkTable() + "): " + reason).forEach(allFailures::add);
                }
            }
            return new TableResult(allFailures, entities, written, droppedAborted, pending,
                    refreshedEntities.size() - written.size(), hydrationMillis, sinkMillis, stats);
        }

        /** Stamps the table's figures once its sink transaction committed. */
        TableResult finished(TableBinding table, int intents, long startedMillis, long nowMillis) {
            List<Long> lags = refreshedEntities.stream()
                    .map(entity -> nowMillis - entity.latest().capturedAt().toEpochMilli())
                    .toList();
            TableStats stats = new TableStats(table.source(), table.table(), intents, entities,
                    refreshed(), droppedAborted, pending, guardRefused,
                    refreshed() == 0 ? 0 : nowMillis - startedMillis, hydrationMillis, sinkMillis, lags);
            return new TableResult(failures, entities, refreshedEntities, droppedAborted, pending, guardRefused,
                    hydrationMillis, sinkMillis, stats);
        }

        static TableResult retryAll(TableBinding table, List<DeliveredIntent> delivered, Throwable failure) {
            String reason = "table " + table.qualifiedName() + " failed: " + failure;
            List<MessageOutcome> failures = delivered.stream().map(DeliveredIntent::messageId).distinct()
                    .map(id -> new MessageOutcome(id, Status.RETRY, reason)).toList();
            int entities = (int) delivered.stream().map(d -> d.intent().key()).distinct().count();
            return new TableResult(failures, entities, List.of(), 0, 0, 0, 0, 0, new TableStats(table.source(),
                    table.table(), delivered.size(), entities, 0, 0, 0, 0, 0, 0, List.of()));
        }
    }
}
