package dev.wail.producer.config;

/**
 * The producer's shipped defaults, in one place: {@link ProducerConfig} declares them, and the benchmark and the local
 * main job build their producers from them, so that what they measure is what a user deploys. The Terraform module's
 * defaults ({@code infra/variables.tf}) must say the same.
 */
public final class ProducerDefaults {

    /** Intents packed into one SQS message. */
    public static final String INTENTS_PER_MESSAGE = "1";
    /** Outbox rows read and sent per drain transaction. */
    public static final String OUTBOX_BATCH_ROWS = "500";

    private ProducerDefaults() {
    }

    public static int intentsPerMessage() {
        return Integer.parseInt(INTENTS_PER_MESSAGE);
    }

    public static int outboxBatchRows() {
        return Integer.parseInt(OUTBOX_BATCH_ROWS);
    }
}
