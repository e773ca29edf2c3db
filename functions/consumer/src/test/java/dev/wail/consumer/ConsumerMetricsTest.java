package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.pipeline.TableStats;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.testing.EmfLines;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The EMF lines the consumer writes, parsed back as CloudWatch reads them: namespace, dimensions, metric definitions
 * with units, and the values, including one freshness lag per refreshed entity.
 */
class ConsumerMetricsTest {

    @Test
    void eachTableGetsItsOwnDocumentAndTheBatchOneForTheFunction() {
        EmfLines lines = new EmfLines();
        BatchResult result = new BatchResult(List.of(MessageOutcome.done("a"), MessageOutcome.done("b"),
                new MessageOutcome("c", Status.REJECTED, "malformed intent"),
                new MessageOutcome("d", Status.RETRY, "in progress")), 4,
                List.of(new TableStats("shop", "orders", 3, 2, 2, 0, 0, 1, 41, 30, 9, List.of(5_000L, 7_000L)),
                        new TableStats("shop", "payments", 1, 1, 0, 0, 1, 0, 0, 0, List.of())));

        new ConsumerMetrics(new EmfEnvironment(lines, ConsumerMetrics.DEFAULT_FUNCTION_NAME)).publish(result, 1);

        List<JsonNode> documents = lines.documents();
        assertThat(documents).hasSize(3);
        JsonNode orders = documents.get(0);
        JsonNode directive = orders.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.get("Namespace").asText()).isEqualTo("wail");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Source\",\"Table\"]]");
        assertThat(orders.get("Source").asText()).isEqualTo("shop");
        assertThat(orders.get("Table").asText()).isEqualTo("orders");
        assertThat(orders.get("IntentsIn").asDouble()).isEqualTo(3);
        assertThat(orders.get("Coalesced").asDouble()).isEqualTo(1);
        assertThat(orders.get("Refreshed").asDouble()).isEqualTo(2);
        assertThat(orders.get("GuardRefused").asDouble()).isEqualTo(1);
        assertThat(orders.get("RefreshLatencyMs").asDouble()).isEqualTo(41);
        assertThat(orders.get("HydrationLatencyMs").asDouble()).isEqualTo(30);
        assertThat(orders.get("SinkLatencyMs").asDouble()).isEqualTo(9);
        assertThat(orders.get("FreshnessLagMs").toString()).isEqualTo("[5000.0,7000.0]");
        assertThat(directive.get("Metrics").toString())
                .contains("{\"Name\":\"FreshnessLagMs\",\"Unit\":\"Milliseconds\"}")
                .contains("{\"Name\":\"IntentsIn\",\"Unit\":\"Count\"}");
        assertThat(orders.at("/_aws/Timestamp").isNumber()).isTrue();

        JsonNode payments = documents.get(1);
        assertThat(payments.get("Table").asText()).isEqualTo("payments");
        assertThat(payments.get("Pending").asDouble()).isEqualTo(1);
        assertThat(payments.has("RefreshLatencyMs")).isFalse();
        assertThat(payments.has("HydrationLatencyMs")).isFalse();
        assertThat(payments.has("FreshnessLagMs")).isFalse();

        JsonNode batch = documents.get(2);
        assertThat(lines.withDimensions("Function")).containsExactly(batch);
        assertThat(batch.get("Function").asText()).isEqualTo("wail-consumer");
        assertThat(batch.get("Messages").asDouble()).isEqualTo(4);
        assertThat(batch.get("BatchIntents").asDouble()).as("the packing: intents per batch").isEqualTo(4);
        assertThat(batch.get("BatchEntities").asDouble()).as("what coalescing kept of them").isEqualTo(3);
        assertThat(batch.get("Rejected").asDouble()).isEqualTo(1);
        assertThat(batch.get("Retried").asDouble()).isEqualTo(1);
        assertThat(batch.get("DeadLettered").asDouble()).isEqualTo(1);
    }
}
