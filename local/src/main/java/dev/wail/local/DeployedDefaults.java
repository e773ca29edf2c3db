package dev.wail.local;

import java.time.Duration;

/**
 * The one place the main job takes its deployment defaults from: what the Terraform module deploys
 * ({@code infra/variables.tf}), so that {@code local/run} with no options runs wail the way a user deploys it. When a
 * default changes there, change it here (the consumer's mapping settings are aligned by hand; the drain's schedule and
 * the functions' timeout are checked against {@code infra/variables.tf} by {@code DeployedDefaultsTest}).
 *
 * <p>The producer's own settings (intents per message, outbox rows per drain) are not here: the producer function
 * takes them from {@code dev.wail.producer.config.ProducerDefaults} when its environment does not set them, and the
 * main job does not set them.
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
    /** {@code consumer.batch_size}: messages (or stream records) per consumer invocation. */
    public static final int CONSUMER_BATCH_SIZE = 10;
    /** {@code consumer.maximum_batching_window_in_seconds}: 0, invoke with what one poll returned. */
    public static final Duration CONSUMER_BATCH_WINDOW = Duration.ZERO;
    /**
     * The consumer environments the main job runs at most. The module's {@code consumer.maximum_concurrency} is 50, a
     * bound on the read model's connections for a fleet; one machine with 2 cores runs 4.
     */
    public static final int CONSUMER_CONCURRENCY = 4;
    /** Lambda's limit on an SQS FIFO mapping's batch size. */
    public static final int FIFO_MAX_BATCH_SIZE = 10;

    private DeployedDefaults() {
    }
}
