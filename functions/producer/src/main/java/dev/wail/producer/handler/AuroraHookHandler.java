package dev.wail.producer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wail.core.log.IntentLog;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.producer.hook.HookPayloadException;
import dev.wail.producer.hook.HookPayloadReader;
import dev.wail.producer.metrics.ProducerMetrics;
import jakarta.inject.Named;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * {@code aurora-hook}: receives the hook payload a PostgreSQL trigger sends with
 * {@code aws_lambda.invoke(..., 'Event')} (delivery {@code aws_lambda} in {@code wail/hooks.sql}), appends one intent
 * per key to the intent log, and succeeds only if the log accepted every one of them.
 *
 * <p>Any failure is thrown, so that Lambda's asynchronous retries (two by default) and then the function's on-failure
 * destination take over, with the payload and the error message; Lambda counts each one in the function's
 * {@code Errors} metric. A retry appends again the intents that were accepted before: duplicates are harmless
 * downstream.
 * A payload whose fields are unusable appends nothing. A payload with some bad key entries still appends the intents of
 * the good ones, then fails naming the bad ones, so that one bad entry never holds back the keys of its neighbours and
 * is never dropped without a trace.
 */
@Named("aurora-hook")
public class AuroraHookHandler implements RequestHandler<JsonNode, HookReport> {

    private static final Logger LOG = Logger.getLogger(AuroraHookHandler.class);
    private static final int REASONS_SHOWN = 3;

    private final IntentLog log;
    private final ProducerMetrics metrics;

    public AuroraHookHandler(IntentLog log, ProducerMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    @Override
    public HookReport handleRequest(JsonNode payload, Context context) {
        HookPayloadReader.Read read = read(payload, context);
        metrics.refused(read.rejectedKeys().size());
        AppendResult result = read.intents().isEmpty() ? AppendResult.allAccepted() : log.append(read.intents());
        if (!result.accepted()) {
            throw new HookDeliveryException("the intent log did not accept " + result.failedIndexes().size() + " of "
                    + read.intents().size() + " intents (" + result.firstError() + "); the invocation fails so that "
                    + "Lambda retries it");
        }
        if (!read.rejectedKeys().isEmpty()) {
            throw rejectedKeys(read, context);
        }
        return new HookReport(read.intents().size());
    }

    private HookPayloadReader.Read read(JsonNode payload, Context context) {
        try {
            // An event of JSON null arrives as no node at all.
            return HookPayloadReader.readEach(payload == null ? "null" : payload.toString());
        } catch (HookPayloadException bad) {
            metrics.refused(1);
            LOG.errorf("rejected hook payload (request %s): %s; expected the payload of wail/hooks.sql, like "
                    + "{\"wail\":1,\"s\":\"shop\",\"t\":\"orders\",\"o\":\"u\",\"x\":752345,\"l\":439041101,"
                    + "\"c\":1764034800123,\"kc\":[\"id\"],\"k\":[[42]]}", context.getAwsRequestId(), bad.getMessage());
            throw bad;
        }
    }

    private static HookDeliveryException rejectedKeys(HookPayloadReader.Read read, Context context) {
        List<HookPayloadException> rejected = read.rejectedKeys();
        for (HookPayloadException bad : rejected) {
            LOG.errorf("rejected hook key entry (request %s): %s", context.getAwsRequestId(), bad.getMessage());
        }
        String shown = rejected.stream().limit(REASONS_SHOWN).map(HookPayloadException::getMessage)
                .collect(Collectors.joining("; "));
        return new HookDeliveryException(rejected.size() + " key entries of the hook payload were rejected (the "
                + read.intents().size() + " others were appended): " + shown
                + (rejected.size() > REASONS_SHOWN ? "; ..." : ""));
    }
}
