package dev.wail.producer.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.lambda.logging.Trace;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.producer.metrics.ProducerMetrics;
import dev.wail.testing.EmfLines;
import dev.wail.testing.LogCapture;
import dev.wail.testing.RealServices;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every append leaves behind, on a real SQS API (ElasticMQ): metric lines with the counts per table and the
 * resent entries, and one trace line per intent carrying its intent id and entity id.
 */
@RealServices
class ObservedIntentLogTest {

    private final EmbeddedSqsServer sqs;
    private final EmfLines lines = new EmfLines();
    private final ProducerMetrics metrics = new ProducerMetrics(
            new EmfEnvironment(lines, ProducerMetrics.DEFAULT_FUNCTION_NAME));

    ObservedIntentLogTest(EmbeddedSqsServer sqs) {
        this.sqs = sqs;
    }

    private ObservedIntentLog observed(String queueUrl) {
        return new ObservedIntentLog(new SqsIntentLog(sqs.client(), queueUrl, new RetryPolicy(3,
                Duration.ofMillis(5)), 1), metrics);
    }

    /** SQS refuses a body with a character outside its allowed range: a sender fault, not retried. */
    private static Intent unsendable() {
        return new Intent("shop", "tags", EntityKey.of("tag", "bad-\uFFFE"), Operation.INSERT,
                new VersionHint.Postgres(9, 9), TestIntents.CAPTURED);
    }

    @Test
    void eachIntentIsTracedUnderItsIdsAndCountedPerTable() {
        Intent first = TestIntents.order(1, Operation.INSERT, 1);
        Intent second = TestIntents.order(2, Operation.UPDATE, 2);
        Intent refused = unsendable();

        AppendResult result;
        try (LogCapture trace = LogCapture.of(Trace.CATEGORY)) {
            result = observed(sqs.createQueue("observed-mixed")).append(List.of(first, second, refused));

            assertThat(result.failedIndexes()).containsExactly(2);
            assertThat(trace.withMdc(Trace.INTENT_ID, IntentCodec.idOf(first))).singleElement().satisfies(line -> {
                assertThat(line.mdc()).containsEntry(Trace.ENTITY_ID, IntentCodec.entityId(first.entity()));
                assertThat(line.message()).isEqualTo("intent for shop/orders{id=1} appended (INSERT)");
            });
            assertThat(trace.withMdc(Trace.INTENT_ID, IntentCodec.idOf(second))).hasSize(1);
            assertThat(trace.withMdc(Trace.INTENT_ID, IntentCodec.idOf(refused))).singleElement()
                    .satisfies(line -> assertThat(line.message()).startsWith(
                            "intent for shop/tags{tag=bad-\uFFFE} not accepted by the intent log: "));
        }

        List<JsonNode> tables = lines.withDimensions("Source", "Table");
        assertThat(tables).extracting(t -> t.get("Table").asText() + " " + t.get("IntentsOut").asInt() + " "
                + t.get("AppendFailed").asInt()).containsExactly("orders 2 0", "tags 0 1");
        assertThat(lines.withDimensions("Function")).singleElement()
                .satisfies(f -> assertThat(f.get("Resent").asInt()).isZero());
    }

    @Test
    void entriesSentAgainAfterAFailedCallAreCountedAsResent() {
        String missingQueue = sqs.createQueue("observed-gone");
        sqs.client().deleteQueue(b -> b.queueUrl(missingQueue));

        AppendResult result = observed(missingQueue).append(TestIntents.inserts(3));

        assertThat(result.failedIndexes()).containsExactly(0, 1, 2);
        // Three attempts: the second and the third each send the three messages again.
        assertThat(result.resent()).isEqualTo(6);
        assertThat(lines.withDimensions("Function")).singleElement()
                .satisfies(f -> assertThat(f.get("Resent").asInt()).isEqualTo(6));
        assertThat(lines.withDimensions("Source", "Table")).singleElement().satisfies(orders -> {
            assertThat(orders.get("IntentsOut").asInt()).isZero();
            assertThat(orders.get("AppendFailed").asInt()).isEqualTo(3);
        });
    }
}
