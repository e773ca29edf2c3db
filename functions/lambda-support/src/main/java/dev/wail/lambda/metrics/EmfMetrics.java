package dev.wail.lambda.metrics;

import io.quarkus.runtime.annotations.RegisterForReflection;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;

/**
 * What every wail function's metrics share: the namespace {@value #NAMESPACE}, where the lines go, and the two
 * dimension sets used everywhere, {@code Source} + {@code Table} for data and {@code Function} for invocations. One
 * {@link MetricsLogger} is one EMF document (one log line) with one dimension set.
 */
// The library serializes its (partly package-private) model with Jackson databind: register it for native images.
@RegisterForReflection(classNames = {"software.amazon.cloudwatchlogs.emf.model.RootNode",
        "software.amazon.cloudwatchlogs.emf.model.Metadata", "software.amazon.cloudwatchlogs.emf.model.MetricDirective",
        "software.amazon.cloudwatchlogs.emf.model.MetricDefinition", "software.amazon.cloudwatchlogs.emf.model.DimensionSet",
        "software.amazon.cloudwatchlogs.emf.model.Unit", "software.amazon.cloudwatchlogs.emf.model.StorageResolution"})
public final class EmfMetrics {

    public static final String NAMESPACE = "wail";

    private final Environment environment;

    public EmfMetrics(Environment environment) {
        this.environment = environment;
    }

    /** A new document for one source table. */
    public MetricsLogger forTable(String source, String table) {
        return logger(DimensionSet.of("Source", source, "Table", table));
    }

    /** A new document for this function as a whole (dimension {@code Function}: the Lambda function's name). */
    public MetricsLogger forFunction() {
        return logger(DimensionSet.of("Function", environment.getName()));
    }

    private MetricsLogger logger(DimensionSet dimensions) {
        MetricsLogger logger = new MetricsLogger(environment);
        logger.setNamespace(NAMESPACE);
        logger.setDimensions(dimensions);
        return logger;
    }
}
