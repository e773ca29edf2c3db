package dev.wail.core.pipeline;

import dev.wail.core.coalesce.CoalescedIntent;
import dev.wail.core.coalesce.Coalescer;
import dev.wail.core.coalesce.DeliveredIntent;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * The consumer's recipe for one batch of messages: decode -> route to a configured table -> coalesce per entity ->
 * verify write-ahead intents -> read the source and write the sink under the sink's per-entity guard -> one outcome
 * per message.
 *
 * <p>A problem stays with the messages it concerns: a malformed message or an unconfigured table rejects only its
 * own messages, a pending transaction retries only the messages of its entity, a failed table retries only the
 * messages that carried that table's intents.
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
        byTable.forEach((table, delivered) -> tables.add(processTable(table, Coalescer.coalesce(delivered))));
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

    /** Verifies, then refreshes one table's entities; a failure retries every message that carried one of them. */
    private Uni<TableResult> processTable(TableBinding table, List<CoalescedIntent> entities) {
        Source source = sources.get(table.source());
        long started = clock.millis();
        return source.transactionStatus(Verification.transactionIds(entities))
                .chain(statuses -> refresh(table, source, entities, statuses))
                .map(result -> result.finished(table, entities, started, clock.millis()))
                .onFailure().recoverWithItem(failure -> TableResult.retryAll(table, entities, failure));
    }

    private Uni<TableResult> refresh(TableBinding table, Source source, List<CoalescedIntent> entities,
            Map<Long, TransactionStatus> statuses) {
        Verification verification = Verification.of(entities, statuses);
        return source.invalidKeys(table, keysOf(verification.refresh()))
                .chain(invalid -> refreshValid(table, source, entities, statuses, verification, invalid));
    }

    private Uni<TableResult> refreshValid(TableBinding table, Source source, List<CoalescedIntent> entities,
            Map<Long, TransactionStatus> statuses, Verification verification, Map<EntityKey, String> invalid) {
        List<MessageOutcome> failures = new ArrayList<>();
        List<CoalescedIntent> valid = new ArrayList<>();
        for (CoalescedIntent entity : verification.refresh()) {
            String problem = invalid.get(entity.latest().key());
            if (problem == null) {
                valid.add(entity);
            } else {
                outcomes(entity, Status.REJECTED, "key of " + entity.entity() + " " + problem).forEach(failures::add);
            }
        }
        verification.pending().forEach(entity -> outcomes(entity, Status.RETRY,
                Verification.reason(entity, statuses, TransactionStatus.IN_PROGRESS)).forEach(failures::add));
        verification.unknown().forEach(entity -> outcomes(entity, Status.REJECTED,
                Verification.reason(entity, statuses, TransactionStatus.UNKNOWN)).forEach(failures::add));
        TableResult result = new TableResult(failures, entities.size(), valid,
                verification.aborted().size(), verification.pending().size(), 0, 0, 0, null);
        if (valid.isEmpty()) {
            return Uni.createFrom().item(result);
        }
        List<EntityKey> keys = keysOf(valid);
        TimedRead read = new TimedRead((requested, floor) -> source.read(table, requested,
                new Freshness(floor.position(), verification.committedTransactions(), floor.history())), clock);
        return Uni.createFrom().deferred(() -> {
            long started = clock.millis();
            return sink.refresh(table, keys, read)
                    .map(refused -> result.timed(read.millis(), clock.millis() - started - read.millis())
                            .refused(table, refused));
        });
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
        TableResult finished(TableBinding table, List<CoalescedIntent> all, long startedMillis, long nowMillis) {
            List<Long> lags = refreshedEntities.stream()
                    .map(entity -> nowMillis - entity.latest().capturedAt().toEpochMilli())
                    .toList();
            TableStats stats = new TableStats(table.source(), table.table(), intentCount(all), entities,
                    refreshed(), droppedAborted, pending, guardRefused,
                    refreshed() == 0 ? 0 : nowMillis - startedMillis, hydrationMillis, sinkMillis, lags);
            return new TableResult(failures, entities, refreshedEntities, droppedAborted, pending, guardRefused,
                    hydrationMillis, sinkMillis, stats);
        }

        static TableResult retryAll(TableBinding table, List<CoalescedIntent> entities, Throwable failure) {
            String reason = "table " + table.qualifiedName() + " failed: " + failure;
            List<MessageOutcome> failures = entities.stream()
                    .flatMap(entity -> outcomes(entity, Status.RETRY, reason)).toList();
            return new TableResult(failures, entities.size(), List.of(), 0, 0, 0, 0, 0, new TableStats(table.source(),
                    table.table(), intentCount(entities), entities.size(), 0, 0, 0, 0, 0, 0, List.of()));
        }

        private static int intentCount(List<CoalescedIntent> entities) {
            return entities.stream().mapToInt(entity -> entity.members().size()).sum();
        }
    }
}
