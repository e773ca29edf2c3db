package dev.wail.producer.config;

import java.time.Duration;

/**
 * The producer's shipped defaults, in one place: {@link ProducerConfig} declares them, and the benchmark and the local
 * main job build their producers from them, so that what they measure is what a user deploys. The Terraform module's
 * defaults ({@code infra/variables.tf}) must say the same.
 */
public final class ProducerDefaults {

    /**
     * Intents packed into one SQS message (at most 256 KiB). Chosen by measurement ({@code SqsPackingBench#cpuPerIntent},
     * ElasticMQ, client CPU per intent): the producer's cost stops falling at 50 (130 us at 1, 4 us from 50 on), the
     * consumer's receive, decode and delete halve again from 50 to 100 (7.5 to 3.6 us); 100 intents of up to ~650
     * bytes still fit one 64 KB SQS billing chunk, and an event source mapping batch of 10 messages stays at 1,000
     * intents or fewer.
     */
    public static final String INTENTS_PER_MESSAGE = "100";
    /**
     * Intents packed into one Kinesis record, only intents of one shard together and 24 KiB of data at most (one 25 KB
     * PUT payload unit): the same count as SQS, so that the consumer sees batches of the same shape from either log.
     */
    public static final String INTENTS_PER_RECORD = "100";
    /** Outbox rows read and sent per drain transaction. */
    public static final String OUTBOX_BATCH_ROWS = "500";

    /**
     * Drain transactions in flight at once while the outbox has a backlog (see {@code OutboxDrain#drainUntil}); the
     * function's pool has 4 connections. Measured ({@code DrainBench}, 10,000 rows, 500 per transaction, 2 shared
     * cores, noisy): 2,566 rows/s with 1, 4,302 with 2, 3,872 with 4, 7,628 with 8 (8 needs a larger pool).
     */
    public static final String OUTBOX_SENDS_IN_FLIGHT = "4";
    /**
     * How long the drain waits, after a batch that was not full, before it polls the outbox again: what a change may
     * wait in the outbox on top of the drain's own time; an idle poll is one indexed query on an empty outbox, so 20
     * a second per running drain.
     */
    public static final String OUTBOX_IDLE_POLL = "PT0.05S";

    private ProducerDefaults() {
    }

    public static int intentsPerMessage() {
        return Integer.parseInt(INTENTS_PER_MESSAGE);
    }

    public static int intentsPerRecord() {
        return Integer.parseInt(INTENTS_PER_RECORD);
    }

    public static int outboxBatchRows() {
        return Integer.parseInt(OUTBOX_BATCH_ROWS);
    }

    public static int outboxSendsInFlight() {
        return Integer.parseInt(OUTBOX_SENDS_IN_FLIGHT);
    }

    public static Duration outboxIdlePoll() {
        return Duration.parse(OUTBOX_IDLE_POLL);
    }
}
