package dev.wail.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.testing.EmfLines;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The producer's EMF lines, parsed back as CloudWatch reads them: dimensions, units and values. */
class ProducerMetricsTest {

    private final EmfLines lines = new EmfLines();
    private final ProducerMetrics metrics = new ProducerMetrics(
            new EmfEnvironment(lines, ProducerMetrics.DEFAULT_FUNCTION_NAME));

    private static Intent intent(String table, long id) {
        return new Intent("shop", table, EntityKey.of("id", id), Operation.UPDATE, new VersionHint.Postgres(1, id),
                Instant.EPOCH);
    }

    @Test
    void anAppendCountsAcceptedAndFailedIntentsPerTableAndResentEntriesPerFunction() {
        List<Intent> intents = List.of(intent("orders", 1), intent("orders", 2), intent("tags", 3),
                intent("orders", 4));

        metrics.appended(intents, new AppendResult(List.of(1, 3), "ThrottlingException: slow down", 5));

        List<JsonNode> tables = lines.withDimensions("Source", "Table");
        assertThat(tables).hasSize(2);
        JsonNode orders = tables.get(0);
        assertThat(orders.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("wail");
        assertThat(orders.get("Source").asText()).isEqualTo("shop");
        assertThat(orders.get("Table").asText()).isEqualTo("orders");
        assertThat(orders.get("IntentsOut").asDouble()).isEqualTo(1);
        assertThat(orders.get("AppendFailed").asDouble()).isEqualTo(2);
        assertThat(orders.at("/_aws/CloudWatchMetrics/0/Metrics").toString())
                .contains("{\"Name\":\"IntentsOut\",\"Unit\":\"Count\"}");
        JsonNode tags = tables.get(1);
        assertThat(tags.get("Table").asText()).isEqualTo("tags");
        assertThat(tags.get("IntentsOut").asDouble()).isEqualTo(1);
        assertThat(tags.get("AppendFailed").asDouble()).isEqualTo(0);

        assertThat(lines.withDimensions("Function")).singleElement().satisfies(function -> {
            assertThat(function.get("Function").asText()).isEqualTo("wail-producer");
            assertThat(function.get("Resent").asDouble()).isEqualTo(5);
        });
    }

    @Test
    void refusedInputAndTheOutboxBacklogArePerFunction() {
        metrics.refused(3);
        metrics.outboxOldestAge(1_500);

        List<JsonNode> function = lines.withDimensions("Function");
        assertThat(function).hasSize(2);
        assertThat(function.get(0).get("Refused").asDouble()).isEqualTo(3);
        assertThat(function.get(1).get("OutboxOldestAgeMs").asDouble()).isEqualTo(1_500);
        assertThat(function.get(1).at("/_aws/CloudWatchMetrics/0/Metrics").toString())
                .isEqualTo("[{\"Name\":\"OutboxOldestAgeMs\",\"Unit\":\"Milliseconds\"}]");
    }
}
