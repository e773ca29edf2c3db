package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import io.smallrye.mutiny.Uni;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The core pipeline's own CPU cost per batch, per intent and per entity, with the source and the sink taken out: a
 * measurement harness, not a behaviour test. Its source and sink are in-memory maps (which answer at once), so what it
 * prints is decode, route, canonical keys, statuses, coalescing, verification and outcomes alone; the PostgreSQL part
 * is measured by {@code PackedBatchMeasurement} in the consumer module. The same 10,000 intents go in as 10 packed
 * messages and as 10,000 single ones: the cost must follow the intents and the entities, not the messages. Prints
 * CPU time of the calling thread (everything runs on it here), the median of {@code wail.bench.rounds} (30) batches
 * after as many warm-up batches. Skipped unless {@code -Dwail.bench=true}:
 *
 * <pre>
 * mvn -B -ntp -q -pl functions/core test -Dwail.bench=true -Dtest=PipelineCostMeasurement \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "wail.bench", matches = "true")
class PipelineCostMeasurement {

    private static final int INTENTS = 10_000;
    private static final int ROUNDS = Integer.getInteger("wail.bench.rounds", 30);
    private static final TableBinding ITEMS = new TableBinding("bench", "items", List.of("id"),
            List.of("id", "status"), Optional.empty(), "read_model.items");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Answers at once: every transaction committed, every key a small document. */
    private static final Source SOURCE = new Source() {
        @Override
        public Uni<Map<Long, TransactionStatus>> transactionStatus(Set<Long> ids) {
            Map<Long, TransactionStatus> statuses = new HashMap<>();
            ids.forEach(id -> statuses.put(id, TransactionStatus.COMMITTED));
            return Uni.createFrom().item(statuses);
        }

        @Override
        public Uni<SourceSnapshot> read(TableBinding table, List<EntityKey> keys, Freshness freshness) {
            List<EntityState> states = new ArrayList<>(keys.size());
            keys.forEach(key -> states.add(EntityState.present(key, "{\"id\":1,\"status\":\"paid\"}")));
            return Uni.createFrom().item(new SourceSnapshot(states, 1));
        }
    };

    private final Map<EntityKey, String> sunk = new HashMap<>();
    private final Sink sink = (table, keys, reader) -> reader.read(keys, Sink.Floor.NONE)
            .invoke(snapshot -> snapshot.states().forEach(s -> sunk.put(s.key(), s.document())))
            .replaceWith(Map.of());

    @Test
    void printCostPerBatchIntentAndEntity() {
        ConsumerPipeline pipeline = new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ITEMS)),
                Map.of("bench", SOURCE), sink);
        System.out.printf("%ncore pipeline CPU per batch of %,d intents (in-memory source and sink), median of %d%n",
                INTENTS, ROUNDS);
        measure(pipeline, "10 messages x 1,000, all keys distinct", 10, 100_000_000, 0);
        measure(pipeline, "10,000 messages x 1, all keys distinct", 10_000, 100_000_000, 0);
        measure(pipeline, "10 messages x 1,000, 1,000 hot keys", 10, 1_000, 0);
        measure(pipeline, "10,000 messages x 1, 1,000 hot keys", 10_000, 1_000, 0);
        measure(pipeline, "10 messages x 1,000, 1% rejected", 10, 100_000_000, 100);
    }

    private void measure(ConsumerPipeline pipeline, String label, int messages, int keys, int rejectEvery1000) {
        Random random = new Random(42);
        List<InboundMessage> batch = batch(random, messages, keys, rejectEvery1000);
        BatchResult last = null;
        for (int i = 0; i < ROUNDS; i++) {
            last = pipeline.process(batch).await().indefinitely();
        }
        long[] cpu = new long[ROUNDS];
        long[] allocated = new long[ROUNDS];
        long thread = Thread.currentThread().getId();
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) THREADS;
        for (int i = 0; i < ROUNDS; i++) {
            long bytes = allocation.getThreadAllocatedBytes(thread);
            long start = THREADS.getCurrentThreadCpuTime();
            last = pipeline.process(batch).await().indefinitely();
            cpu[i] = THREADS.getCurrentThreadCpuTime() - start;
            allocated[i] = allocation.getThreadAllocatedBytes(thread) - bytes;
        }
        java.util.Arrays.sort(cpu);
        java.util.Arrays.sort(allocated);
        double ms = cpu[ROUNDS / 2] / 1e6;
        System.out.printf("  %-40s %7.2f ms/batch  %6.2f us/intent  %6.2f us/entity  %6.1f MB allocated"
                + "  (%d entities, %d rejected messages)%n", label, ms, ms * 1000 / last.intents(),
                ms * 1000 / last.entities(), allocated[ROUNDS / 2] / 1e6, last.entities(),
                last.count(MessageOutcome.Status.REJECTED));
    }

    private static List<InboundMessage> batch(Random random, int messages, int keys, int rejectEvery1000) {
        int perMessage = INTENTS / messages;
        List<InboundMessage> batch = new ArrayList<>(messages);
        Instant now = Instant.now();
        for (int m = 0; m < messages; m++) {
            List<Intent> intents = new ArrayList<>(perMessage);
            for (int i = 0; i < perMessage; i++) {
                boolean rejected = rejectEvery1000 > 0 && random.nextInt(1000) < rejectEvery1000 / 10;
                intents.add(new Intent("bench", rejected ? "nowhere" : "items",
                        EntityKey.of("id", (long) random.nextInt(keys)), Operation.UPDATE,
                        new VersionHint.Postgres(1_000 + random.nextInt(5_000), 1 + random.nextInt(1 << 30)), now));
            }
            String body = perMessage == 1 ? IntentCodec.DEFAULT.encodeToString(intents.get(0))
                    : IntentCodec.DEFAULT.encodeAll(intents);
            batch.add(new InboundMessage("m" + m, body));
        }
        return batch;
    }
}
