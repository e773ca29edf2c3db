package dev.wail.producer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.wail.producer.config.ProducerConfig;
import dev.wail.producer.metrics.ProducerMetrics;
import dev.wail.producer.outbox.DrainReport;
import dev.wail.producer.outbox.OutboxDrain;
import jakarta.inject.Named;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code outbox-drain}: invoked on a schedule (any event; its content is ignored), drains {@code wail.outbox} to the
 * intent log until it is empty or the invocation's time is nearly up, then reports the age of the oldest row left.
 */
@Named(OutboxDrainHandler.NAME)
public class OutboxDrainHandler implements RequestHandler<Map<String, Object>, DrainReport> {

    /** The handler's name, for {@code QUARKUS_LAMBDA_HANDLER}. */
    public static final String NAME = "outbox-drain";

    private static final Logger LOG = Logger.getLogger(OutboxDrainHandler.class);

    private final OutboxDrain drain;
    private final ProducerConfig config;
    private final ProducerMetrics metrics;

    public OutboxDrainHandler(OutboxDrain drain, ProducerConfig config, ProducerMetrics metrics) {
        this.drain = drain;
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public DrainReport handleRequest(Map<String, Object> ignored, Context context) {
        long deadline = System.currentTimeMillis() + context.getRemainingTimeInMillis()
                - config.drainSafetyMargin().toMillis();
        DrainReport report = drain.drainUntilEmpty(deadline);
        LOG.infof("outbox drain: %s", report);
        metrics.refused(report.rejectedRows() + report.rejectedKeys());
        metrics.outboxOldestAge(drain.oldestAgeMillis());
        return report;
    }
}
