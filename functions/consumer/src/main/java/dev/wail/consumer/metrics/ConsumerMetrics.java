package dev.wail.consumer.metrics;

import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSchemaEvents;
import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TableStats;
import dev.wail.lambda.metrics.EmfMetrics;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The consumer's CloudWatch metrics, written as Embedded Metric Format log lines (namespace {@value EmfMetrics#NAMESPACE}):
 * CloudWatch turns them into metrics without an API call from the function. Per source and table (dimensions
 * {@code Source}, {@code Table}): {@code IntentsIn}, {@code Entities}, {@code Coalesced} (intents folded into another
 * of the same entity), {@code Refreshed}, {@code DroppedAborted}, {@code Pending}, {@code GuardRefused}
 * (entities whose state the sink's guard refused: retried, never acknowledged), {@code RefreshLatencyMs} with its
 * parts {@code HydrationLatencyMs} (the source read) and {@code SinkLatencyMs} (guards, writes and commit around it),
 * and {@code FreshnessLagMs} (one value per refreshed entity: sink commit minus capture time). Per batch (dimension
 * {@code Function}, the Lambda function's name): {@code Messages}, {@code Intents} (decoded from them: with packing,
 * many per message), {@code Entities} (distinct after coalescing, every table), {@code Rejected}, {@code Retried} and
 * {@code DeadLettered} (messages given up on: a rejected SQS message the consumer sent to the dead-letter queue
 * itself, a message failed on its last receive that SQS moves there next, a rejected Kinesis record recorded in
 * {@code wail.dead_letters} and passed over; no reason dimension, to keep the metric's cardinality fixed).
 *
 * <p>As they happen, from the sink ({@link PgReadModelSink.Events}): {@code SourceHistoryChanged} (dimension
 * {@code Function}; alarm on it: a source was restored, reloaded or failed over and the sink opened a new epoch) and
 * {@code VersionColumnRefused} (per source and table: a configured version column is not a version).
 *
 * <p>From the PostgreSQL source ({@link PgSchemaEvents}) and the sink: {@code DefinitionReloaded} (per source and
 * table, property {@code Why}: the consumer dropped its cached key types and statement of a table whose definition
 * changed) and {@code ConfigurationMismatch} (value 1 per batch it failed, property {@code Reason}: the
 * configuration of a table no longer fits its source table or its read model table, and the messages wait; once per
 * source and table, and once with dimension {@code Function} for one alarm over every table).
 */
public final class ConsumerMetrics implements PgReadModelSink.Events, PgSchemaEvents {

    /** The function's name in the {@code Function} dimension when Lambda does not say it (tests, a laptop). */
    public static final String DEFAULT_FUNCTION_NAME = "wail-consumer";

    private final EmfMetrics emf;

    /** @param environment where the metric lines go: stdout in Lambda (see {@code EmfEnvironment}) */
    public ConsumerMetrics(Environment environment) {
        this.emf = new EmfMetrics(environment);
    }

    /** @param deadLettered messages of this batch given up on (see the class comment) */
    public void publish(BatchResult result, int deadLettered) {
        for (TableStats table : result.tables()) {
            MetricsLogger metrics = emf.forTable(table.source(), table.table());
            metrics.putMetric("IntentsIn", table.intents(), Unit.COUNT);
            metrics.putMetric("Entities", table.entities(), Unit.COUNT);
            metrics.putMetric("Coalesced", table.intents() - table.entities(), Unit.COUNT);
            metrics.putMetric("Refreshed", table.refreshed(), Unit.COUNT);
            metrics.putMetric("DroppedAborted", table.droppedAborted(), Unit.COUNT);
            metrics.putMetric("Pending", table.pending(), Unit.COUNT);
            metrics.putMetric("GuardRefused", table.guardRefused(), Unit.COUNT);
            if (table.refreshed() > 0) {
                metrics.putMetric("RefreshLatencyMs", table.refreshMillis(), Unit.MILLISECONDS);
                metrics.putMetric("HydrationLatencyMs", table.hydrationMillis(), Unit.MILLISECONDS);
                metrics.putMetric("SinkLatencyMs", table.sinkMillis(), Unit.MILLISECONDS);
            }
            table.freshnessLagMillis().forEach(lag -> metrics.putMetric("FreshnessLagMs", lag, Unit.MILLISECONDS));
            metrics.flush();
        }
        MetricsLogger batch = emf.forFunction();
        batch.putMetric("Messages", result.outcomes().size(), Unit.COUNT);
        // Packing at work: BatchIntents / Messages is the intents per message, BatchEntities / BatchIntents what
        // coalescing kept. Names of their own: the per-table IntentsIn and Entities (Source, Table) count the same
        // things, and a sum over a metric name across dimension sets would count them twice.
        batch.putMetric("BatchIntents", result.intents(), Unit.COUNT);
        batch.putMetric("BatchEntities", result.entities(), Unit.COUNT);
        batch.putMetric("Rejected", result.count(Status.REJECTED), Unit.COUNT);
        batch.putMetric("Retried", result.count(Status.RETRY), Unit.COUNT);
        batch.putMetric("DeadLettered", deadLettered, Unit.COUNT);
        batch.flush();
    }

    @Override
    public void historyChanged(String source, long from, long to, String why) {
        MetricsLogger function = emf.forFunction();
        function.putProperty("Source", source);
        function.putProperty("Epoch", to);
        function.putMetric("SourceHistoryChanged", 1, Unit.COUNT);
        function.flush();
    }

    @Override
    public void versionColumnRefused(TableBinding table, String column, int entities) {
        MetricsLogger metrics = emf.forTable(table.source(), table.table());
        metrics.putProperty("VersionColumn", column);
        metrics.putMetric("VersionColumnRefused", entities, Unit.COUNT);
        metrics.flush();
    }

    @Override
    public void definitionReloaded(TableBinding table, String why) {
        MetricsLogger metrics = emf.forTable(table.source(), table.table());
        metrics.putProperty("Why", why);
        metrics.putMetric("DefinitionReloaded", 1, Unit.COUNT);
        metrics.flush();
    }

    @Override
    public void configurationMismatch(TableBinding table, String reason) {
        MetricsLogger perTable = emf.forTable(table.source(), table.table());
        perTable.putProperty("Reason", reason);
        perTable.putMetric("ConfigurationMismatch", 1, Unit.COUNT);
        perTable.flush();
        MetricsLogger function = emf.forFunction();
        function.putProperty("Source", table.source());
        function.putProperty("Table", table.table());
        function.putProperty("Reason", reason);
        function.putMetric("ConfigurationMismatch", 1, Unit.COUNT);
        function.flush();
    }
}
