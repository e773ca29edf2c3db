package dev.wail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * An EMF sink for tests: keeps every serialized line, parsed back as CloudWatch reads it, instead of printing it.
 * Thread-safe, so a function under test may flush from any thread.
 */
public final class EmfLines implements ISink {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> documents = new ArrayList<>();

    @Override
    public synchronized void accept(MetricsContext context) {
        try {
            for (String line : context.serialize()) {
                documents.add(JSON.readTree(line));
            }
        } catch (Exception e) {
            throw new IllegalStateException("an EMF document did not serialize to JSON", e);
        }
    }

    /** Every document so far, in the order flushed. */
    public synchronized List<JsonNode> documents() {
        return List.copyOf(documents);
    }

    /** The documents whose dimension set is exactly {@code dimensions} (e.g. {@code ["Source","Table"]}). */
    public synchronized List<JsonNode> withDimensions(String... dimensions) {
        String wanted = JSON.valueToTree(List.of(List.of(dimensions))).toString();
        return documents.stream()
                .filter(d -> d.at("/_aws/CloudWatchMetrics/0/Dimensions").toString().equals(wanted))
                .toList();
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
    }
}
