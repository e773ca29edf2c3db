package dev.wail.lambda.logging;

import dev.wail.core.intent.Intent;
import dev.wail.core.wire.IntentCodec;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One change followed from hook to sink in the logs. Every function logs one line per intent on the logger
 * {@value #CATEGORY} with the intent's id and its entity's id as MDC fields ({@value #INTENT_ID},
 * {@value #ENTITY_ID}): the intent id is content-derived, so the producer that appends an intent and the consumer
 * that receives it compute the same one without sending it; the entity id (the FIFO group and Kinesis partition key)
 * ties every change of one row together. In Lambda the JSON log formatter writes MDC fields under {@code mdc}, so
 * a CloudWatch Logs Insights query can follow one change: {@code filter mdc.intentId = "..."}. (The Lambda extension
 * adds {@code AWSRequestId} to the MDC of every line logged during an invocation.)
 *
 * <p>These lines are INFO on their own category so that a busy deployment can turn them off alone
 * ({@code QUARKUS_LOG_CATEGORY__WAIL_TRACE__LEVEL=WARN}) and keep everything else.
 */
public final class Trace {

    public static final String CATEGORY = "wail.trace";
    public static final String INTENT_ID = "intentId";
    public static final String ENTITY_ID = "entityId";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private Trace() {
    }

    /** Whether trace lines are written at all: callers skip the work of preparing them when not. */
    public static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /** Logs one line about one intent, with its ids as MDC fields for that line only. */
    public static void intent(Intent intent, String format, Object... parameters) {
        MDC.put(INTENT_ID, IntentCodec.idOf(intent));
        MDC.put(ENTITY_ID, IntentCodec.entityId(intent.entity()));
        try {
            LOG.infof(format, parameters);
        } finally {
            MDC.remove(INTENT_ID);
            MDC.remove(ENTITY_ID);
        }
    }
}
