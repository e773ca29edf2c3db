package dev.wail.consumer.bench;

import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the sink's per-entity guard costs on hot keys: {@code wail.bench.invocations} (4) loops call
 * {@link PgReadModelSink#refresh} at once with batches of {@code wail.bench.batches} sizes (100 and 2,000 entities),
 * half of each batch (at most 100) drawn from 200 hot keys (so concurrent batches overlap), the rest from 100,000
 * rows; a writer updates hot rows meanwhile, so reads move forward. The source and the read model share one embedded server.
 * For each batch size it prints, per refresh: the statements and their mean server time ({@code pg_stat_statements},
 * which for the lock statement includes the time spent waiting for other batches' locks), the wall time of a refresh,
 * and the advisory-lock waits seen by sampling {@code pg_locks} every 2 ms. A program that prints
 * figures, not a test: skipped unless {@code -Dwail.bench=true}.
 *
 * <pre>
 * mvn -B -ntp -pl functions/consumer -am test -Dwail.bench=true -Dtest=SinkGuardBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@RealServices
@EnabledIfSystemProperty(named = "wail.bench", matches = "true")
class SinkGuardBenchmark {

    private static final int ROWS = BenchItems.ROWS;
    private static final int HOT = 200;
    private static final int INVOCATIONS = Integer.getInteger("wail.bench.invocations", 4);
    private static final String BATCHES = System.getProperty("wail.bench.batches", "100,2000");
    private static final int REFRESHES = Integer.getInteger("wail.bench.refreshes", 8);

    @Test
    void printGuardCost(EmbeddedPostgresServer postgres) throws Exception {
        BenchItems.install(postgres);
        try (EmbeddedPostgresServer.ReactivePool reactive = postgres.openReactivePool(INVOCATIONS * 2)) {
            PgReadModelSink sink = new PgReadModelSink(reactive.pool());
            PgSource source = BenchItems.source(reactive.pool());
            refresh(sink, source, 10); // prepared statements, catalog lookups
            for (String size : BATCHES.split(",")) {
                measure(postgres, sink, source, Integer.parseInt(size.trim()));
            }
        }
    }

    private static void measure(EmbeddedPostgresServer postgres, PgReadModelSink sink, PgSource source, int batch)
            throws Exception {
        run(sink, source, batch, 2); // warm-up
        postgres.execute("SELECT pg_stat_statements_reset()");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger samples = new AtomicInteger();
        AtomicInteger waiting = new AtomicInteger();
        ExecutorService background = Executors.newFixedThreadPool(2);
        background.submit(() -> {
            while (running.get()) {
                postgres.execute("UPDATE bench.items SET amount = amount + 1, updated_at = now() WHERE id = "
                        + (1 + ThreadLocalRandom.current().nextInt(HOT)));
            }
            return null;
        });
        background.submit(() -> {
            while (running.get()) {
                samples.incrementAndGet();
                waiting.addAndGet(Integer.parseInt(postgres.queryString("SELECT count(DISTINCT pid)::text"
                        + " FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")));
                Thread.sleep(2);
            }
            return null;
        });
        long start = System.nanoTime();
        List<Long> sinkNanos = run(sink, source, batch, REFRESHES);
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        background.shutdown();
        int refreshes = sinkNanos.size();
        System.out.printf("%nsink guard: %d loops x %d refreshes x %d entities (%d hot keys) on %d cores: %.1f s,"
                + " %,.0f entities/s%n", INVOCATIONS, REFRESHES, batch, HOT,
                Runtime.getRuntime().availableProcessors(), seconds, refreshes * batch / seconds);
        System.out.printf("  per refresh: %s%n", postgres.queryString("""
                SELECT string_agg(format('%%s x %%s ms  %%s', round(calls::numeric / %d, 2),
                       round(mean_exec_time::numeric, 2), left(regexp_replace(query, '\\s+', ' ', 'g'), 70)),
                       E'\\n               ' ORDER BY total_exec_time DESC)
                  FROM pg_stat_statements WHERE query NOT ILIKE '%%pg_stat_statements%%'
                   AND query NOT ILIKE '%%pg_locks%%' AND query NOT ILIKE 'UPDATE bench.items%%'
                """.formatted(refreshes)));
        System.out.printf("  server time per entity (sink and read statements, lock waits excluded): %s us%n",
                postgres.queryString("""
                        SELECT round(sum(total_exec_time)::numeric * 1000 / %d, 1)::text FROM pg_stat_statements
                         WHERE query NOT ILIKE '%%pg_stat_statements%%' AND query NOT ILIKE '%%pg_locks%%'
                           AND query NOT ILIKE 'UPDATE bench.items%%' AND query NOT ILIKE '%%advisory%%'
                           AND query NOT ILIKE 'SET application_name%%'""".formatted(refreshes * batch)));
        System.out.printf("  tables (since start): %s%n", postgres.queryString("""
                SELECT string_agg(format('%s: %s updates, %s%% HOT, %s dead rows', relname, n_tup_upd,
                       round(100.0 * n_tup_hot_upd / greatest(n_tup_upd, 1)), n_dead_tup), '; ' ORDER BY relname)
                  FROM pg_stat_user_tables WHERE relname IN ('sink_positions', 'bench_items')
                   AND schemaname IN ('wail', 'read_model')"""));
        long[] sorted = sinkNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("  refresh wall time: p50 %d ms, p99 %d ms; advisory-lock waiters: %.2f on average%n",
                sorted[refreshes / 2] / 1_000_000, sorted[Math.min(refreshes - 1, refreshes * 99 / 100)] / 1_000_000,
                (double) waiting.get() / Math.max(1, samples.get()));
    }

    private static List<Long> run(PgReadModelSink sink, PgSource source, int batch, int refreshes) throws Exception {
        ExecutorService loops = Executors.newFixedThreadPool(INVOCATIONS);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int i = 0; i < INVOCATIONS; i++) {
                results.add(loops.submit(() -> {
                    List<Long> nanos = new ArrayList<>();
                    for (int r = 0; r < refreshes; r++) {
                        long start = System.nanoTime();
                        refresh(sink, source, batch);
                        nanos.add(System.nanoTime() - start);
                    }
                    return nanos;
                }));
            }
            List<Long> nanos = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                nanos.addAll(result.get());
            }
            return nanos;
        } finally {
            loops.shutdown();
        }
    }

    private static void refresh(PgReadModelSink sink, PgSource source, int batch) {
        Set<Long> ids = new LinkedHashSet<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int hot = Math.min(batch / 2, HOT / 2);
        while (ids.size() < hot) {
            ids.add(1L + random.nextInt(HOT));
        }
        while (ids.size() < batch) {
            ids.add(HOT + 1L + random.nextInt(ROWS - HOT));
        }
        List<EntityKey> keys = ids.stream().map(id -> EntityKey.builder().add("id", id).build()).toList();
        Map<EntityKey, String> refused = sink.refresh(BenchItems.ITEMS, keys, (requested, floor) -> source.read(BenchItems.ITEMS,
                requested, new Freshness(floor.position(), Set.of(), floor.history()))).await().indefinitely();
        if (!refused.isEmpty()) {
            throw new IllegalStateException("refused: " + refused.values().iterator().next());
        }
    }
}
