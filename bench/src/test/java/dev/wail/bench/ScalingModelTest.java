package dev.wail.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The model's arithmetic against a case computed by hand (the comments show the hand computation). */
class ScalingModelTest {

    /** 10,000 writes/s, 50 intents of 100 bytes per message, batches of 10 messages, 20 ms + 0.2 ms per entity. */
    private static final ScalingModel.Inputs CASE = ScalingModel.defaults()
            .with("workload.rows-per-statement", 1)
            .with("workload.sink-writes-per-source-write", 0.8)
            .with("sqs.intents-per-message", 50)
            .with("log.bytes-per-intent", 100)
            .with("consumer.batch-messages", 10)
            .with("consumer.ms-per-invocation", 20)
            .with("consumer.ms-per-entity", 0.2)
            .with("consumer.memory-mb", 1024)
            .with("producer.memory-mb", 512)
            .with("producer.drain-rows-per-transaction", 500)
            .with("producer.drain-db-ms-per-row", 0.07)
            .with("producer.drain-sends-in-flight", 1)
            .with("sqs.call-ms", 20)
            .with("kinesis.intents-per-record", 1)
            .with("kinesis.partition-key-bytes", 22)
            .with("debezium.max-changes-per-second-per-task", 10_000)
            .with("debezium.task-vcpu", 2)
            .with("debezium.task-memory-gb", 4);

    private final ScalingModel.Row row = ScalingModel.compute(CASE, 10_000);

    @Test
    void consumerConcurrencyIsInvocationsTimesDuration() {
        assertThat(row.messagesPerSecond()).isEqualTo(200);             // 10,000 / 50
        assertThat(row.consumerInvocationsPerSecond()).isEqualTo(20);   // 200 / 10
        assertThat(row.consumerEntitiesPerInvocation()).isEqualTo(400); // 10 x 50 x 0.8
        assertThat(row.consumerMillisPerInvocation()).isCloseTo(100, within(1e-9)); // 20 + 400 x 0.2
        assertThat(row.consumerConcurrency()).isCloseTo(2, within(1e-9));           // 20/s x 0.1 s
    }

    @Test
    void consumerLambdaCostIsRequestsPlusGbSeconds() {
        // requests: 20/s x 2,628,000 s = 52.56 M x $0.20 = $10.512
        // GB-s: 2 x 1 GB x 2,628,000 s = 5,256,000 x $0.0000166667 = $87.600175
        assertThat(row.cost().consumerLambdaX86()).isCloseTo(98.112175, within(1e-4));
        // arm64: 5,256,000 x $0.0000133334 = $70.0803504, + $10.512
        assertThat(row.cost().consumerLambdaArm64()).isCloseTo(80.5923504, within(1e-4));
    }

    @Test
    void sqsBillsEach64KibChunkOfEveryCall() {
        // send: 200 messages / 10 = 20 calls of 10 x 50 x 100 = 50,000 bytes (1 chunk); receive 20 (1 chunk); delete 20
        assertThat(row.sqsCallsPerSecond()).isEqualTo(60);
        assertThat(row.sqsBilledRequestsPerSecond()).isEqualTo(60);
        // 60/s x 2,628,000 s = 157.68 M x $0.40
        assertThat(row.cost().sqsStandard()).isCloseTo(63.072, within(1e-6));
        // a batch of 10 messages of 100 intents of 102 bytes is 102,000 bytes: 2 chunks
        assertThat(ScalingModel.chunks(10 * 100 * 102)).isEqualTo(2);
        assertThat(ScalingModel.chunks(65_536)).isEqualTo(1);
        assertThat(ScalingModel.chunks(65_537)).isEqualTo(2);
    }

    @Test
    void kinesisShardsFollowWhicheverPerShardLimitBindsFirst() {
        // 10,000 records/s of 122 bytes: 10 shards by records, 2 by bytes (1.22 MB/s / 1 MiB/s)
        assertThat(row.kinesisShards()).isEqualTo(10);
        // 10 shards x 730 h x $0.015 = $109.50; 10,000 x 2,628,000 = 26.28 G PUT units x $0.014/M = $367.92
        assertThat(row.cost().kinesisProvisioned()).isCloseTo(477.42, within(1e-6));
        // 2,000 records/s of 100 x 100 + 22 bytes = 20.04 MB/s: 20 shards by bytes, 2 by records
        assertThat(ScalingModel.shards(2_000, 10_022)).isEqualTo(20);
    }

    @Test
    void drainIsBilledForWholeLoops() {
        // 500 rows: 500 x 0.07 ms + one SendMessageBatch (10 messages of 50) of 20 ms = 55 ms; 20 transactions/s
        assertThat(row.drainConcurrency()).isCloseTo(1.1, within(1e-9));
        // 2 loops x 0.5 GB x 2,628,000 s = 2,628,000 GB-s x $0.0000166667, no requests
        assertThat(row.cost().drainLambdaX86()).isCloseTo(43.8000876, within(1e-4));
    }

    @Test
    void debeziumIsOneFargateTaskUntilOneTaskCannotTakeTheRate() {
        // (2 vCPU x $0.04048 + 4 GB x $0.004445) x 730 h
        assertThat(row.debeziumTasksNeeded()).isEqualTo(1);
        assertThat(row.cost().debeziumFargate()).isCloseTo(72.0802, within(1e-6));
        ScalingModel.Row over = ScalingModel.compute(CASE, 20_000);
        assertThat(over.debeziumTasksNeeded()).isEqualTo(2);
        assertThat(over.cost().debeziumFargate()).isNaN();
        assertThat(ScalingModel.binding(CASE, over)).anyMatch(limit -> limit.startsWith("Debezium: one slot"));
    }

    @Test
    void thePageListsEveryInputAndEveryRate() {
        String page = ScalingModel.markdown(CASE, new double[] {10_000, 20_000});
        assertThat(page)
                .contains("| `consumer.ms-per-entity` | 0.2 | ms | given (was 0.28) |")
                .contains("| consumer concurrency | 2 | 4 |")
                .contains("| Debezium Server tasks on Fargate | 72.1 | out of reach |")
                .contains("- 20,000 writes/s: ")
                .contains("Debezium: one slot, one task per database");
    }

    @Test
    void anUnknownInputIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> CASE.with("consumer.ms-per-entitty", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumer.ms-per-entitty")
                .hasMessageContaining("consumer.ms-per-entity");
    }
}
