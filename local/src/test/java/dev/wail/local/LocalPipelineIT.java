package dev.wail.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The main job as a user runs it: the packaged application, started from the repository's top folder, for a few
 * seconds at a small rate. It must verify the read model row by row, exit 0 and print a sane summary, faults included.
 */
class LocalPipelineIT {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    private record Run(int exitCode, String output, JsonNode summary) {
    }

    /**
     * The default delivery, outbox. The drain is invoked every second instead of the module's rate(1 minute): the test
     * must not wait a minute for a drain that returns once the outbox is empty.
     */
    @Test
    void sqsOutboxWithCrashesDuplicatesAndDelaysEndsVerified() throws Exception {
        Run run = run("sqs", "--log", "sqs", "--test-only-drain-every", "1s", "--duplicate-rate", "1",
                "--crash-rate", "0.05", "--max-delay", "200ms", "--visibility-timeout", "3s");

        assertVerifiedAndSane(run, "sqs", "outbox");
        assertThat(run.summary().at("/producer/function").asText()).isEqualTo("wail-shop-outbox-drain");
        assertThat(run.summary().at("/producer/scheduledInvocations").asLong()).isPositive();
        assertThat(run.summary().at("/producer/scheduleSeconds").asDouble()).isEqualTo(1.0);
        // No aurora-hook function runs when nothing would invoke it: no environment, no log.
        assertThat(run.output()).contains("starting 1 outbox-drain and 2 consumer instances")
                .doesNotContain("aurora-hook");
        assertThat(REPOSITORY.resolve("local/target/it-sqs/logs/wail-shop-aurora-hook.log")).doesNotExist();
        // Every batch is delivered twice: with packing a short run has only a handful of batches, and a rate below 1
        // left some runs without a single duplicate to survive.
        assertThat(run.summary().at("/faults/duplicateDeliveries").asLong()).isPositive();
        assertThat(run.summary().at("/faults/delayedInvocations").asLong())
                .isEqualTo(run.summary().at("/consumer/batches").asLong());
    }

    /**
     * The outages, one after the other on the default delivery: the source PostgreSQL restarted (which also restarts
     * the read model's database, on the same server), the queue cut off from the producer, the read model cut off
     * from the consumer. Each must have happened, for its whole length, and the run must still end verified.
     */
    @Test
    void sqsOutboxSurvivesSourceRestartLogOutageAndSinkOutage() throws Exception {
        Run run = run("outages", "--duration", "16s", "--log", "sqs", "--test-only-drain-every", "1s",
                "--visibility-timeout", "3s", "--fault", "source-restart,log-outage", "--fault", "sink-outage",
                "--fault-after", "2s", "--fault-for", "2s", "--seed", "17");

        assertVerifiedAndSane(run, "sqs", "outbox");
        JsonNode faults = run.summary().at("/faults");
        assertThat(faults.path("seed").asLong()).isEqualTo(17);
        assertThat(faults.path("sourceRestarts").asLong()).isEqualTo(1);
        assertThat(faults.path("logOutages").asLong()).isEqualTo(1);
        assertThat(faults.path("sinkOutages").asLong()).isEqualTo(1);
        JsonNode outages = faults.path("outages");
        assertThat(outages).hasSize(3);
        assertThat(outages.findValuesAsText("fault")).containsExactly("source-restart", "log-outage", "sink-outage");
        // Each held for its --fault-for (a restart also waits for the server to stop and start), 2 s apart.
        outages.forEach(outage -> assertThat(outage.path("lastedMs").asLong()).isGreaterThanOrEqualTo(2000));
        assertThat(outages.get(0).path("atSeconds").asDouble()).isBetween(1.9, 4.0);
        assertThat(outages.get(1).path("atSeconds").asDouble())
                .isGreaterThanOrEqualTo(outages.get(0).path("atSeconds").asDouble() + 4);
        // The restart failed some of the writers' transactions, and the sink outage made the consumer retry.
        assertThat(run.summary().at("/source/failedOperations").asLong()).isPositive();
        assertThat(run.summary().at("/consumer/retriedRecords").asLong()).isPositive();
        assertThat(run.output()).contains("fault source-restart at", "fault log-outage over after",
                "1 source restarts, 1 log outages, 1 sink outages (seed 17)");
        // The soak figures: freshness for the one minute the run lasted, the memory of both functions' JVMs.
        assertThat(run.summary().at("/perMinute/freshness").get(0).path("minute").asInt()).isZero();
        assertThat(run.summary().at("/perMinute/freshness").get(0).path("sinkWrites").asLong()).isPositive();
        JsonNode memory = run.summary().at("/perMinute/functionMemory");
        assertThat(memory.findValuesAsText("function")).contains("wail-shop-outbox-drain", "wail-shop-consumer");
        memory.forEach(reading -> {
            assertThat(reading.path("rssMb").asDouble()).isBetween(50.0, 1024.0);
            assertThat(reading.path("heapUsedMb").asDouble()).isPositive()
                    .isGreaterThanOrEqualTo(reading.path("oldGenUsedMb").asDouble());
        });
    }

    /** aws_lambda on Kinesis, with the stream cut off from aurora-hook for 2 s: Lambda's async retries hold. */
    @Test
    void kinesisAwsLambdaEndsVerified() throws Exception {
        Run run = run("kinesis", "--log", "kinesis", "--delivery", "aws_lambda", "--fault", "log-outage",
                "--fault-after", "2s", "--fault-for", "2s");

        assertVerifiedAndSane(run, "kinesis", "aws_lambda");
        assertThat(run.summary().at("/faults/logOutages").asLong()).isEqualTo(1);
        // One aurora-hook invocation per captured statement: one statement per write here.
        assertThat(run.summary().at("/producer/function").asText()).isEqualTo("wail-shop-aurora-hook");
        assertThat(run.summary().at("/producer/invocations").asLong()).isGreaterThanOrEqualTo(
                run.summary().at("/source/writes").asLong() - run.summary().at("/source/failedOperations").asLong());
        assertThat(run.output()).doesNotContain("outbox-drain");
        // One poller per shard: two shards, so at least two batches.
        assertThat(run.summary().at("/consumer/batches").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void badOptionsExitWithTwoAndSayWhy() throws Exception {
        Process process = start(List.of("--batch-size", "20", "--log", "sqs-fifo"));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("--batch-size must be at most 10 on a FIFO queue (as on Lambda), got 20");
    }

    @Test
    void helpDescribesEveryOption() throws Exception {
        Process process = start(List.of("--help"));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(output).contains("--rate", "--duration", "--skew", "--log", "--concurrency", "--batch-size",
                "--batch-window", "--duplicate-rate", "--max-delay", "--crash-rate", "--endpoint", "--delivery",
                "--test-only-drain-every", "--outbox-drain-timeout", "--fault", "--fault-after", "--fault-for",
                "--fault-every", "--seed", "source-restart", "log-outage", "sink-outage");
    }

    private static void assertVerifiedAndSane(Run run, String log, String delivery) {
        JsonNode s = run.summary();
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("verified    read model equals the source");
        // Plain progress lines, one per interval, because the output is not a terminal.
        assertThat(run.output()).containsPattern("\\[ +\\d+s traffic\\] source \\d+ w/s \\| intents \\d+/s");
        assertThat(s.at("/log").asText()).isEqualTo(log);
        assertThat(s.at("/delivery").asText()).isEqualTo(delivery);
        assertThat(run.output()).containsPattern("delivery    " + delivery + ": .*; packing \\d+\\.\\d\\d intents per "
                + "message \\(\\d+ messages\\)");
        assertThat(run.output()).containsPattern("batches     size \\d+, window \\d+ ms, concurrency 2: ");
        assertThat(s.at("/verification/equal").asBoolean()).isTrue();
        assertThat(s.at("/verification/differences").asInt()).isZero();
        assertThat(s.at("/verification/readModelRows").asInt()).isEqualTo(s.at("/verification/sourceRows").asInt())
                .isPositive();
        long writes = s.at("/source/writes").asLong();
        // 30 writes/s, paced by schedule: close to 30 per second of traffic on a quiet machine, fewer on a loaded one
        // (the traffic stops with its duration rather than write its backlog into the drain), never more.
        assertThat(writes).isPositive().isLessThanOrEqualTo(30 * s.at("/durationSeconds").asLong() + 5);
        assertThat(s.at("/source/creates").asLong() + s.at("/source/updates").asLong()
                + s.at("/source/cancels").asLong() + s.at("/source/deletes").asLong()).isEqualTo(writes);
        // One intent per changed row reaches the consumer, at least once.
        assertThat(s.at("/consumer/intents").asLong()).isGreaterThanOrEqualTo(writes - s.at("/source/failedOperations")
                .asLong());
        assertThat(s.at("/consumer/coalescingRatio").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(s.at("/consumer/entities").asLong()).isLessThanOrEqualTo(s.at("/consumer/intents").asLong());
        assertThat(s.at("/sink/writes").asLong()).isPositive().isLessThanOrEqualTo(s.at("/consumer/hydrations")
                .asLong() + s.at("/consumer/intents").asLong());
        double p50 = s.at("/sink/freshnessP50Ms").asDouble();
        assertThat(p50).isPositive();
        assertThat(s.at("/sink/freshnessP99Ms").asDouble()).isGreaterThanOrEqualTo(p50);
        assertThat(s.at("/sink/freshnessMaxMs").asDouble()).isGreaterThanOrEqualTo(s.at("/sink/freshnessP99Ms")
                .asDouble());
        double warmP50 = s.at("/sink/secondHalfFreshnessP50Ms").asDouble();
        assertThat(warmP50).isPositive();
        assertThat(s.at("/sink/secondHalfFreshnessP99Ms").asDouble()).isGreaterThanOrEqualTo(warmP50)
                .isLessThanOrEqualTo(s.at("/sink/freshnessMaxMs").asDouble());
        assertThat(s.at("/producer/invocations").asLong()).isPositive();
        // Packing and batch sizes, measured from what the consumers were given and reported.
        long messages = s.at("/producer/messages").asLong();
        assertThat(messages).isPositive().isLessThanOrEqualTo(s.at("/consumer/intents").asLong());
        assertThat(s.at("/producer/intentsPerMessage").asDouble())
                .isCloseTo(s.at("/consumer/intents").asLong() / (double) messages, within(0.01));
        JsonNode batch = s.at("/consumer/batch");
        assertThat(batch.path("concurrency").asInt()).isEqualTo(2);
        assertThat(batch.path("largestInvocationMessages").asLong()).isPositive()
                .isLessThanOrEqualTo(batch.path("size").asLong());
        assertThat(batch.path("messagesPerInvocation").asDouble()).isBetween(1.0, batch.path("size").asDouble());
        assertThat(batch.path("intentsPerInvocation").asDouble())
                .isGreaterThanOrEqualTo(batch.path("messagesPerInvocation").asDouble());
    }

    private static Run run(String name, String... options) throws IOException, InterruptedException {
        Path workDir = REPOSITORY.resolve("local/target/it-" + name);
        List<String> arguments = new ArrayList<>(List.of("--rate", "30", "--clients", "3",
                "--concurrency", "2", "--producer-concurrency", "2", "--progress", "lines", "--progress-interval",
                "2s", "--drain-timeout", "60s", "--work-dir", workDir.toString()));
        if (!List.of(options).contains("--duration")) {
            arguments.addAll(List.of("--duration", "8s"));
        }
        arguments.addAll(List.of(options));
        Process process = start(arguments);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the local pipeline did not end:\n" + output);
        }
        JsonNode summary = new ObjectMapper().readTree(workDir.resolve("summary.json").toFile());
        return new Run(process.exitValue(), output, summary);
    }

    private static Process start(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", "local/target/quarkus-app/quarkus-run.jar"));
        command.addAll(arguments);
        return new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true).start();
    }
}
