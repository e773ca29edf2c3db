package dev.wail.local;

import java.time.Duration;

/**
 * The one place the laptop tools (this main job and the benchmark, {@code bench/}) take the deployment defaults from:
 * what the Terraform module deploys ({@code infra/variables.tf}, {@code infra/consumer.tf}), so that {@code local/run}
 * and {@code bench/run} with no options run wail the way a user deploys it. {@code DeployedDefaultsTest} reads the
 * Terraform files and fails, naming both values, when one of these disagrees with them.
 *
 * <p>The producer's own settings (intents per message, outbox rows per drain) are not here: the producer function
 * takes them from {@code dev.wail.producer.config.ProducerDefaults} when its environment does not set them
 * ({@code DeployedDefaultsTest} checks those against Terraform too).
 */
public final class DeployedDefaults {

    /** {@code producer.outbox_drain.schedule_expression}: {@code rate(1 minute)}. */
    public static final Duration OUTBOX_DRAIN_SCHEDULE = Duration.ofMinutes(1);
    /** {@code producer.timeout} and {@code consumer.timeout}: 60 s. */
    public static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    /**
     * {@code producer.outbox_drain.timeout}: 70 s, longer than the schedule's minute, so that consecutive drain
     * invocations (each polling until shortly before its timeout) overlap and the outbox is polled all the time.
     */
    public static final Duration OUTBOX_DRAIN_TIMEOUT = Duration.ofSeconds(70);
    /**
     * The consumer's batch size on SQS (standard and FIFO), messages per invocation: {@code consumer.batch_size} is
     * {@code null} by default and {@code infra/consumer.tf} picks 10, the most without a batching window.
     */
    public static final int CONSUMER_SQS_BATCH_SIZE = 10;
    /** The consumer's batch size on Kinesis, records per invocation: what {@code infra/consumer.tf} picks, 100. */
    public static final int CONSUMER_KINESIS_BATCH_SIZE = 100;
    /** {@code consumer.maximum_batching_window_in_seconds}: 0, invoke with what one poll returned. */
    public static final Duration CONSUMER_BATCH_WINDOW = Duration.ZERO;
    /**
     * {@code consumer.maximum_concurrency}: 50 consumer invocations at most on SQS, a bound on the read model's
     * connections for a fleet. The main job does not run that many: see {@link #LOCAL_CONSUMER_CONCURRENCY}.
     */
    public static final int CONSUMER_MAXIMUM_CONCURRENCY = 50;
    /**
     * The consumer environments the main job runs at most: not a module default ({@link #CONSUMER_MAXIMUM_CONCURRENCY}
     * is 50) but what one machine with 2 cores runs.
     */
    public static final int LOCAL_CONSUMER_CONCURRENCY = 4;
    /** Lambda's limit on an SQS FIFO mapping's batch size (a service limit, checked by {@code infra/consumer.tf}). */
    public static final int FIFO_MAX_BATCH_SIZE = 10;

    private DeployedDefaults() {
    }

    /** The module's consumer batch size for a log: {@link #CONSUMER_SQS_BATCH_SIZE} or {@link #CONSUMER_KINESIS_BATCH_SIZE}. */
    public static int consumerBatchSize(boolean sqs) {
        return sqs ? CONSUMER_SQS_BATCH_SIZE : CONSUMER_KINESIS_BATCH_SIZE;
    }
}
