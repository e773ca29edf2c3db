package dev.wail.producer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.producer.DrainSetUp;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.producer.config.ProducerDefaults;
import dev.wail.producer.log.RetryPolicy;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.outbox.DrainReport;
import dev.wail.producer.outbox.OutboxDrain;
import dev.wail.testing.RealServices;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How fast does the outbox drain empty a backlog with 1, 2, 4 and 8 drain transactions in flight? Embedded PostgreSQL
 * 17 and ElasticMQ in this JVM, the shipped batch size and packing; 10,000 one-row statements (10,000 outbox rows) per
 * run, each setting run twice (the first a warm-up). Reports rows/s (wall) and the process's CPU per 1,000 rows (this
 * JVM, ElasticMQ included; PostgreSQL's own CPU is not counted). A benchmark, not a test: surefire's default patterns
 * skip it. Run it with
 *
 * <pre>mvn -B -ntp -q -pl functions/producer -am test -Dtest=DrainBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@RealServices
class DrainBench {

    private static final int ROWS = 10_000;

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedSqsServer sqs;

    DrainBench(EmbeddedPostgresServer postgres, EmbeddedSqsServer sqs) {
        this.postgres = postgres;
        this.sqs = sqs;
    }

    @Test
    void rowsPerSecondBySendsInFlight() {
        DrainSetUp.capturedTableAndEmptyOutbox(postgres, "bench_orders");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<String> lines = new ArrayList<>();
        try (EmbeddedPostgresServer.ReactivePool reactive = postgres.openReactivePool(8)) {
            int run = 0;
            for (int round = 0; round < 2; round++) {
                for (int inFlight : new int[] {1, 2, 4, 8}) {
                    String queue = sqs.createQueue("drain-bench-" + run);
                    postgres.execute("DO $$ BEGIN FOR i IN " + (run * ROWS + 1) + ".." + (++run * ROWS)
                            + " LOOP INSERT INTO bench_orders VALUES (i, 'new'); END LOOP; END $$;");
                    OutboxDrain drain = new OutboxDrain(reactive.pool(), new SqsIntentLog(sqs.client(), queue,
                            new RetryPolicy(4, Duration.ofMillis(10)), ProducerDefaults.intentsPerMessage()),
                            ProducerDefaults.outboxBatchRows(), inFlight, Duration.ZERO);
                    long cpu = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    DrainReport report = drain.drainUntilEmpty(Long.MAX_VALUE);
                    while (report.intents() < ROWS) {
                        report = report.plus(drain.drainUntilEmpty(Long.MAX_VALUE));
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
                    assertThat(report.intents()).isEqualTo(ROWS);
                    if (round == 1) {
                        lines.add(String.format("%9d %10.0f %14.3f", inFlight, ROWS / seconds,
                                cpuSeconds * 1_000 / ROWS));
                    }
                }
            }
        }
        System.out.printf("%n%d outbox rows (one intent each), %d rows per transaction, %d intents per message%n",
                ROWS, ProducerDefaults.outboxBatchRows(), ProducerDefaults.intentsPerMessage());
        System.out.printf("%9s %10s %14s%n", "in flight", "rows/s", "JVM CPU s/1k");
        lines.forEach(System.out::println);
    }
}
