package dev.wail.local.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Sums the metrics the functions emit in CloudWatch Embedded Metric Format, read from their output the way CloudWatch
 * reads their log stream: every line that is an EMF document adds each metric it declares (a value or a list of
 * values) to that metric's total.
 */
public final class EmfTally {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, DoubleAdder> totals = new ConcurrentHashMap<>();

    /** Takes one line of function output; lines that are not EMF documents are ignored. */
    public void accept(String line) {
        if (!line.startsWith("{\"_aws\"")) {
            return;
        }
        try {
            JsonNode document = JSON.readTree(line);
            for (JsonNode directive : document.path("_aws").path("CloudWatchMetrics")) {
                for (JsonNode metric : directive.path("Metrics")) {
                    add(metric.path("Name").asText(), document.path(metric.path("Name").asText()));
                }
            }
        } catch (IOException e) {
            // A log line that merely starts like EMF: CloudWatch would not make metrics of it either.
        }
    }

    private void add(String name, JsonNode value) {
        DoubleAdder total = totals.computeIfAbsent(name, n -> new DoubleAdder());
        if (value.isArray()) {
            value.forEach(v -> total.add(v.asDouble()));
        } else if (value.isNumber()) {
            total.add(value.asDouble());
        }
    }

    /** The total of a metric so far, 0 if none was emitted. */
    public long total(String name) {
        DoubleAdder total = totals.get(name);
        return total == null ? 0 : Math.round(total.sum());
    }
}
