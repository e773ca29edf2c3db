package dev.wail.producer.log;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.lambda.logging.Trace;
import dev.wail.producer.metrics.ProducerMetrics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The intent log every handler uses: the configured one (SQS or Kinesis), with each append counted in the metrics and
 * each intent traced (one {@link Trace} line with its intent id and entity id), whichever handler appended it.
 */
public final class ObservedIntentLog implements IntentLog {

    private final IntentLog log;
    private final ProducerMetrics metrics;

    public ObservedIntentLog(IntentLog log, ProducerMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    @Override
    public AppendResult append(List<Intent> intents) {
        AppendResult result = log.append(intents);
        metrics.appended(intents, result);
        if (Trace.enabled()) {
            trace(intents, result);
        }
        return result;
    }

    private static void trace(List<Intent> intents, AppendResult result) {
        Set<Integer> failed = new HashSet<>(result.failedIndexes());
        for (int i = 0; i < intents.size(); i++) {
            Intent intent = intents.get(i);
            if (failed.contains(i)) {
                Trace.intent(intent, "intent for %s not accepted by the intent log: %s", intent.entity(),
                        result.firstError());
            } else {
                Trace.intent(intent, "intent for %s appended (%s)", intent.entity(), intent.operation());
            }
        }
    }
}
