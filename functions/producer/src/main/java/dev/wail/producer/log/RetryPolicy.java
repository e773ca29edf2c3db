package dev.wail.producer.log;

import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.core.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * How the intent logs retry a batch call: only the entries the service did not accept are sent again, up to
 * {@code maxAttempts} calls in all. Before attempt {@code n} it pauses as the {@link Backoff} with base
 * {@code baseBackoff} draws (exponential backoff with full jitter), so producers throttled together do not retry in
 * lockstep. A failed call (an exception) counts as every entry failing.
 */
public final class RetryPolicy {

    /** Waits before a retry. Production sleeps; a test may instead change the world between two attempts. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration);
    }

    /**
     * What one call did with the entries it was sent (entry numbers are the caller's).
     *
     * @param retryable entries the service refused for a reason that may pass (throttling, an internal error)
     * @param rejected  entries the service refused for a reason of their own (a sender fault): not sent again
     * @param error     the first error of this call, {@code null} when every entry was accepted
     */
    public record Attempt(List<Integer> retryable, List<Integer> rejected, String error) {
    }

    /**
     * @param failed entries not accepted when the policy stopped, in no particular order
     * @param error  the first error seen, {@code null} when every entry was accepted
     * @param resent entries sent again after a refusal (each attempt after the first counts its entries)
     */
    public record Outcome(List<Integer> failed, String error, int resent) {

        /**
         * The outcome for the intents packed into the entries: every intent of an entry given up on failed, ascending.
         *
         * @param intentsOf the positions of the intents entry {@code n} carries
         */
        public AppendResult byIntent(IntFunction<List<Integer>> intentsOf) {
            List<Integer> failedIntents = new ArrayList<>();
            for (int entry : failed) {
                failedIntents.addAll(intentsOf.apply(entry));
            }
            failedIntents.sort(null);
            return new AppendResult(List.copyOf(failedIntents), error, resent);
        }
    }

    private static final Logger LOG = Logger.getLogger(RetryPolicy.class);

    private final int maxAttempts;
    private final Backoff backoff;
    private final Pause pause;

    public RetryPolicy(int maxAttempts, Duration baseBackoff) {
        this(maxAttempts, baseBackoff, RetryPolicy::sleep);
    }

    public RetryPolicy(int maxAttempts, Duration baseBackoff, Pause pause) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = new Backoff(baseBackoff);
        this.pause = pause;
    }

    /**
     * Sends {@code entries} with {@code call}, then what it refused as retryable, until nothing is pending or the
     * attempts are used up; logs what was given up on, naming {@code destination}.
     */
    public Outcome run(String destination, List<Integer> entries, Function<List<Integer>, Attempt> call) {
        List<Integer> pending = entries;
        List<Integer> givenUp = new ArrayList<>();
        String error = null;
        int resent = 0;
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                pause.pause(backoff.delay(attempt));
                resent += pending.size();
            }
            Attempt result = callOnce(call, pending);
            givenUp.addAll(result.rejected());
            error = error != null ? error : result.error();
            pending = result.retryable();
        }
        givenUp.addAll(pending);
        if (givenUp.isEmpty()) {
            return new Outcome(List.of(), null, resent);
        }
        LOG.warnf("%d of %d entries (messages or records) not accepted by %s after up to %d attempts: %s",
                givenUp.size(), entries.size(), destination, maxAttempts, error);
        return new Outcome(givenUp, error, resent);
    }

    /**
     * Runs {@link #run} for each batch of entries in turn; the outcome lists every entry given up on, ascending, and
     * the first error.
     */
    public Outcome runEach(String destination, List<List<Integer>> batches, Function<List<Integer>, Attempt> call) {
        List<Integer> failed = new ArrayList<>();
        String error = null;
        int resent = 0;
        for (List<Integer> batch : batches) {
            Outcome outcome = run(destination, batch, call);
            failed.addAll(outcome.failed());
            error = error != null ? error : outcome.error();
            resent += outcome.resent();
        }
        failed.sort(null);
        return new Outcome(List.copyOf(failed), error, resent);
    }

    private static Attempt callOnce(Function<List<Integer>, Attempt> call, List<Integer> pending) {
        try {
            return call.apply(pending);
        } catch (SdkException e) {
            return new Attempt(pending, List.of(), e.getMessage());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
