package dev.wail.emulation.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The partial batch response ({@code ReportBatchItemFailures}) a function returned: the identifiers (SQS message ids,
 * Kinesis sequence numbers) of the records that failed. As on Lambda, a response that is not a valid partial batch
 * response counts as a failure of the whole batch.
 */
final class BatchResponse {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchResponse() {
    }

    /** The failed identifiers in the order the function listed them; {@code null} if the response is malformed. */
    static Set<String> failedItems(String payload) {
        try {
            JsonNode root = JSON.readTree(payload == null ? "" : payload);
            if (root == null || root.isNull() || root.isMissingNode()) {
                return Set.of();
            }
            JsonNode failures = root.path("batchItemFailures");
            Set<String> ids = new LinkedHashSet<>();
            for (JsonNode failure : failures) {
                JsonNode id = failure.path("itemIdentifier");
                if (!id.isTextual() || id.asText().isEmpty()) {
                    return null;
                }
                ids.add(id.asText());
            }
            return ids;
        } catch (IOException e) {
            return null;
        }
    }
}
