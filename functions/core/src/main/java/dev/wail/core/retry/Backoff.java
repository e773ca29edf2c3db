package dev.wail.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter, the one wail uses wherever it calls a service again (the producer's intent
 * logs, the DynamoDB hydrator): before attempt {@code n} (the first attempt is 1) it waits a random time between zero
 * and {@code base * 2^(n-2)}, both ends included, the exponent capped at {@value #MAX_DOUBLINGS}. The first attempt
 * does not wait. Drawing the whole wait at random keeps callers that were throttled together from retrying in
 * lockstep. Immutable and thread-safe.
 *
 * @param base the ceiling of the wait before the second attempt; zero means never wait
 */
public record Backoff(Duration base) {

    /** Doublings after which the ceiling stops growing. */
    public static final int MAX_DOUBLINGS = 10;

    public Backoff {
        Objects.requireNonNull(base, "base");
        if (base.isNegative()) {
            throw new IllegalArgumentException("the backoff base must not be negative, got " + base);
        }
    }

    /** The longest wait before {@code attempt}: zero for the first, then {@code base}, doubling per attempt. */
    public Duration ceiling(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        return attempt == 1 ? Duration.ZERO : Duration.ofMillis(base.toMillis() << Math.min(attempt - 2, MAX_DOUBLINGS));
    }

    /** A wait before {@code attempt}, drawn uniformly from zero to {@link #ceiling}, in whole milliseconds. */
    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current());
    }

    /** {@link #delay(int)} drawing from {@code random}. */
    public Duration delay(int attempt, RandomGenerator random) {
        long ceiling = ceiling(attempt).toMillis();
        return ceiling == 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
