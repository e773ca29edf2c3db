package dev.wail.producer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.wail.producer.config.ProducerConfig;
import dev.wail.producer.metrics.ProducerMetrics;
import dev.wail.producer.outbox.DrainReport;
import dev.wail.producer.outbox.OutboxDrain;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code outbox-drain}: invoked on a schedule (any event; its content is ignored), keeps draining {@code wail.outbox} to
 * the intent log until the invocation's time is nearly up ({@link OutboxDrain#drainUntil}; or for
 * {@code drain-poll-for} at most, {@code PT0S} meaning until empty), then reports the age of the oldest row left and
 * how many polls found the outbox empty.
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
        long now = System.currentTimeMillis();
        long deadline = now + context.getRemainingTimeInMillis() - config.drainSafetyMargin().toMillis();
        Duration pollFor = config.drainPollFor().orElse(null);
        DrainReport report = pollFor != null && pollFor.isZero() ? drain.drainUntilEmpty(deadline)
                : drain.drainUntil(pollFor == null ? deadline : Math.min(deadline, now + pollFor.toMillis()));
        LOG.infof("outbox drain: %s", report);
        metrics.refused(report.rejectedRows() + report.rejectedKeys());
        metrics.outboxIdlePolls(report.idlePolls());
        metrics.outboxOldestAge(drain.oldestAgeMillis());
        return report;
    }
}
