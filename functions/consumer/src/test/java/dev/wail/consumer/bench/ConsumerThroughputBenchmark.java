package dev.wail.consumer.bench;

import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The consumer pipeline's throughput on this machine: PostgreSQL source and read model on one embedded server,
 * {@code wail.bench.invocations} (4) concurrent invocations, each processing batches of {@code wail.bench.batch}
 * (1,000) messages of one intent each, keys drawn from a 100,000-row table with a hot tenth taking half the traffic
 * (so batches overlap and coalesce). Prints intents per second, batch latency, and statements per batch counted by
 * {@code pg_stat_statements}. A program that prints figures, not a test: skipped unless {@code -Dwail.bench=true}.
 *
 * <pre>
 * mvn -B -ntp -pl functions/consumer -am test -Dwail.bench=true -Dtest=ConsumerThroughputBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@RealServices
@EnabledIfSystemProperty(named = "wail.bench", matches = "true")
class ConsumerThroughputBenchmark {

    private static final int ROWS = BenchItems.ROWS;
    private static final int BATCH = Integer.getInteger("wail.bench.batch", 1_000);
    private static final int INVOCATIONS = Integer.getInteger("wail.bench.invocations", 4);
    private static final int BATCHES_PER_INVOCATION = Integer.getInteger("wail.bench.batches", 25);

    @Test
    void printThroughput(EmbeddedPostgresServer postgres) throws Exception {
        BenchItems.install(postgres);
        try (EmbeddedPostgresServer.ReactivePool reactive = postgres.openReactivePool(INVOCATIONS * 2)) {
            ConsumerPipeline pipeline = BenchItems.pipeline(reactive.pool());
            // Mutiny's context propagation initialises lazily and races when several threads start at once.
            invoke(pipeline, 1);
            run(pipeline, 5); // warm-up: JIT, prepared statements, catalog lookups
            postgres.execute("SELECT pg_stat_statements_reset()");

            long start = System.nanoTime();
            List<Long> latencies = run(pipeline, BATCHES_PER_INVOCATION);
            double seconds = (System.nanoTime() - start) / 1e9;

            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            int batches = sorted.length;
            System.out.printf("%nconsumer throughput: %d invocations x %d batches x %d intents on %d cores%n",
                    INVOCATIONS, BATCHES_PER_INVOCATION, BATCH, Runtime.getRuntime().availableProcessors());
            System.out.printf("  %,.0f intents/s (%d intents in %.1f s)%n", batches * BATCH / seconds,
                    batches * BATCH, seconds);
            System.out.printf("  batch latency: p50 %d ms, p99 %d ms, max %d ms%n", sorted[batches / 2],
                    sorted[Math.min(batches - 1, batches * 99 / 100)], sorted[batches - 1]);
            System.out.printf("  per batch: %s%n", postgres.queryString("""
                    SELECT string_agg(format('%%s x %%s', round(calls::numeric / %d, 2), left(regexp_replace(query,
                           '\\s+', ' ', 'g'), 60)), E'\\n             ' ORDER BY calls DESC)
                      FROM pg_stat_statements WHERE query NOT ILIKE '%%pg_stat_statements%%'
                    """.formatted(batches)));
        }
    }

    private static List<Long> run(ConsumerPipeline pipeline, int batchesPerInvocation) throws Exception {
        ExecutorService invocations = Executors.newFixedThreadPool(INVOCATIONS);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int i = 0; i < INVOCATIONS; i++) {
                results.add(invocations.submit(() -> invoke(pipeline, batchesPerInvocation)));
            }
            List<Long> latencies = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                latencies.addAll(result.get());
            }
            return latencies;
        } finally {
            invocations.shutdown();
        }
    }

    private static List<Long> invoke(ConsumerPipeline pipeline, int batches) {
        List<Long> latencies = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<InboundMessage> messages = new ArrayList<>(BATCH);
            for (int m = 0; m < BATCH; m++) {
                messages.add(new InboundMessage(b + "-" + m, BenchItems.intent(key(), 1)));
            }
            long start = System.nanoTime();
            BatchResult result = pipeline.process(messages).await().indefinitely();
            latencies.add((System.nanoTime() - start) / 1_000_000);
            if (result.count(MessageOutcome.Status.DONE) != BATCH) {
                throw new IllegalStateException("a batch did not succeed: " + Arrays.toString(
                        result.outcomes().stream().filter(o -> o.status() != MessageOutcome.Status.DONE).limit(3)
                                .toArray()));
            }
        }
        return latencies;
    }

    /** Half of the traffic on a hot tenth of the keys. */
    private static long key() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return random.nextBoolean() ? 1 + random.nextInt(ROWS / 10) : 1 + random.nextInt(ROWS);
    }
}
