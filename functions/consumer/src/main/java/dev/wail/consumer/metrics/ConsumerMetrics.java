package dev.wail.consumer.metrics;

import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.pipeline.TableStats;
import io.quarkus.runtime.annotations.RegisterForReflection;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The consumer's CloudWatch metrics, written as Embedded Metric Format log lines (namespace {@value #NAMESPACE}):
 * CloudWatch turns them into metrics without an API call from the function. Per source and table (dimensions
 * {@code Source}, {@code Table}): {@code IntentsIn}, {@code Entities}, {@code Coalesced} (intents folded into another
 * of the same entity), {@code Refreshed}, {@code DroppedAborted}, {@code Pending}, {@code RefreshLatencyMs} and
 * {@code FreshnessLagMs} (one value per refreshed entity: sink commit minus capture time). Per batch (dimension
 * {@code Function}, the Lambda function's name): {@code Messages}, {@code Rejected}, {@code Retried}.
 */
// The library serializes its (partly package-private) model with Jackson databind: register it for native images.
@RegisterForReflection(classNames = {"software.amazon.cloudwatchlogs.emf.model.RootNode",
        "software.amazon.cloudwatchlogs.emf.model.Metadata", "software.amazon.cloudwatchlogs.emf.model.MetricDirective",
        "software.amazon.cloudwatchlogs.emf.model.MetricDefinition", "software.amazon.cloudwatchlogs.emf.model.DimensionSet",
        "software.amazon.cloudwatchlogs.emf.model.Unit", "software.amazon.cloudwatchlogs.emf.model.StorageResolution"})
public final class ConsumerMetrics {

    public static final String NAMESPACE = "wail";

    private final Environment environment;

    /** @param environment where the metric lines go: stdout in Lambda (see {@link EmfEnvironment}) */
    public ConsumerMetrics(Environment environment) {
        this.environment = environment;
    }

    public void publish(BatchResult result) {
        for (TableStats table : result.tables()) {
            MetricsLogger metrics = logger();
            metrics.setDimensions(DimensionSet.of("Source", table.source(), "Table", table.table()));
            metrics.putMetric("IntentsIn", table.intents(), Unit.COUNT);
            metrics.putMetric("Entities", table.entities(), Unit.COUNT);
            metrics.putMetric("Coalesced", table.intents() - table.entities(), Unit.COUNT);
            metrics.putMetric("Refreshed", table.refreshed(), Unit.COUNT);
            metrics.putMetric("DroppedAborted", table.droppedAborted(), Unit.COUNT);
            metrics.putMetric("Pending", table.pending(), Unit.COUNT);
            if (table.refreshed() > 0) {
                metrics.putMetric("RefreshLatencyMs", table.refreshMillis(), Unit.MILLISECONDS);
            }
            table.freshnessLagMillis().forEach(lag -> metrics.putMetric("FreshnessLagMs", lag, Unit.MILLISECONDS));
            metrics.flush();
        }
        MetricsLogger batch = logger();
        batch.setDimensions(DimensionSet.of("Function", environment.getName()));
        batch.putMetric("Messages", result.outcomes().size(), Unit.COUNT);
        batch.putMetric("Rejected", result.count(Status.REJECTED), Unit.COUNT);
        batch.putMetric("Retried", result.count(Status.RETRY), Unit.COUNT);
        batch.flush();
    }

    private MetricsLogger logger() {
        MetricsLogger logger = new MetricsLogger(environment);
        logger.setNamespace(NAMESPACE);
        return logger;
    }
}
