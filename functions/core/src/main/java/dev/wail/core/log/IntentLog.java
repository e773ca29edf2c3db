package dev.wail.core.log;

import dev.wail.core.intent.Intent;
import java.util.List;

/**
 * The durable log intents are appended to (SQS standard, SQS FIFO, Kinesis). The producer acknowledges an intent to
 * its trigger only after {@link #append} reported it accepted.
 *
 * <p>Implementations batch as the service allows, retry only the entries that failed (matched by position) with
 * bounded backoff, and report what still failed instead of throwing, so the caller can fail exactly those.
 */
public interface IntentLog {

    AppendResult append(List<Intent> intents);

    /**
     * @param failedIndexes positions (in the appended list) of the intents the log did not accept, ascending
     * @param firstError    the first error seen for a failed intent, for logs; {@code null} when all were accepted
     * @param resent        entries (messages or records) sent again after the service refused them, for metrics
     */
    record AppendResult(List<Integer> failedIndexes, String firstError, int resent) {

        public AppendResult(List<Integer> failedIndexes, String firstError) {
            this(failedIndexes, firstError, 0);
        }

        public static AppendResult allAccepted() {
            return new AppendResult(List.of(), null);
        }

        public boolean accepted() {
            return failedIndexes.isEmpty();
        }
    }
}
