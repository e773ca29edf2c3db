package dev.wail.consumer.bench;

import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What one consumer invocation costs for a batch of packed messages, with the real PostgreSQL source and read-model
 * sink (one embedded server): 10 messages of 1,000 intents each (10,000 intents, what an SQS batch of 10 brings with
 * packing by 1,000), keys drawn from a 100,000-row table either all over it (about 9,500 entities) or from a hot
 * 1,000; and a batch of one intent, for the fixed cost of an invocation. For each {@code max-entities-per-refresh}
 * in {@code wail.bench.caps} (10000, 2000, 500) it prints, per batch (median of {@code wail.bench.rounds}, 5): wall
 * time, the JVM's CPU time (every thread; PostgreSQL's is its own process and not in it), ms per entity, bytes
 * allocated by every JVM thread, and the peak heap in use during the batch after a full GC before it (an upper bound
 * of what the batch needs: it includes garbage not yet collected). Run it with a small heap (e.g.
 * {@code -DargLine=-Xmx160m}) to check that a batch fits. A program that prints figures, not a test: skipped unless
 * {@code -Dwail.bench=true}.
 *
 * <pre>
 * mvn -B -ntp -pl functions/consumer -am test -Dwail.bench=true -Dtest=PackedBatchMeasurement \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-DargLine=-Xmx160m]
 * </pre>
 */
@RealServices
@EnabledIfSystemProperty(named = "wail.bench", matches = "true")
class PackedBatchMeasurement {

    private static final int ROWS = BenchItems.ROWS;
    private static final int ROUNDS = Integer.getInteger("wail.bench.rounds", 5);
    private static final int[] CAPS = Arrays.stream(System.getProperty("wail.bench.caps", "10000,2000,500")
            .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Test
    void printCostAndHeapPerBatch(EmbeddedPostgresServer postgres) {
        BenchItems.install(postgres);
        System.out.printf("%npacked batches on PostgreSQL (max heap %d MB, %d cores), median of %d%n",
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), ROUNDS);
        try (EmbeddedPostgresServer.ReactivePool reactive = postgres.openReactivePool(2)) {
            for (int cap : CAPS) {
                ConsumerPipeline pipeline = BenchItems.pipeline(reactive.pool(), cap);
                measure(pipeline, cap, "1 message x 1 intent", 1, 1, ROWS);
                measure(pipeline, cap, "10 messages x 1,000, keys all over", 10, 1_000, ROWS);
                measure(pipeline, cap, "10 messages x 1,000, 1,000 hot keys", 10, 1_000, 1_000);
            }
        }
    }

    private static void measure(ConsumerPipeline pipeline, int cap, String label, int messages, int perMessage,
            int keys) {
        Random random = new Random(7);
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            run(pipeline, batch(random, messages, perMessage, keys));
        }
        double[] wall = new double[ROUNDS];
        double[] cpu = new double[ROUNDS];
        double[] allocated = new double[ROUNDS];
        double[] peak = new double[ROUNDS];
        BatchResult last = null;
        for (int round = 0; round < ROUNDS; round++) {
            List<InboundMessage> batch = batch(random, messages, perMessage, keys);
            System.gc();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long bytes = allocatedByAllThreads();
            long cpuStart = OS.getProcessCpuTime();
            long start = System.nanoTime();
            last = run(pipeline, batch);
            wall[round] = (System.nanoTime() - start) / 1e6;
            cpu[round] = (OS.getProcessCpuTime() - cpuStart) / 1e6;
            allocated[round] = (allocatedByAllThreads() - bytes) / 1e6;
            peak[round] = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() / 1e6;
        }
        double cpuMs = median(cpu);
        System.out.printf("  cap %5d  %-38s %8.1f ms wall  %8.1f ms JVM CPU  %6.3f ms CPU/entity  %7.1f MB allocated"
                + "  %6.1f MB peak heap  (%d intents, %d entities)%n", cap, label, median(wall), cpuMs,
                cpuMs / Math.max(1, last.entities()), median(allocated), median(peak), last.intents(),
                last.entities());
    }

    private static BatchResult run(ConsumerPipeline pipeline, List<InboundMessage> batch) {
        BatchResult result = pipeline.process(batch).await().indefinitely();
        if (result.count(MessageOutcome.Status.DONE) != batch.size()) {
            throw new IllegalStateException("a batch did not succeed: " + result.outcomes().stream()
                    .filter(o -> o.status() != MessageOutcome.Status.DONE).limit(3).toList());
        }
        return result;
    }

    private static long allocatedByAllThreads() {
        long[] ids = THREADS.getAllThreadIds();
        return Arrays.stream(THREADS.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static List<InboundMessage> batch(Random random, int messages, int perMessage, int keys) {
        List<InboundMessage> batch = new ArrayList<>(messages);
        long now = System.currentTimeMillis();
        for (int m = 0; m < messages; m++) {
            StringBuilder body = new StringBuilder(perMessage == 1 ? "" : "[");
            for (int i = 0; i < perMessage; i++) {
                if (i > 0) {
                    body.append(',');
                }
                body.append(BenchItems.intent(1 + random.nextInt(keys), now));
            }
            batch.add(new InboundMessage(Long.toString(random.nextLong()), body.append(perMessage == 1 ? "" : "]")
                    .toString()));
        }
        return batch;
    }
}
