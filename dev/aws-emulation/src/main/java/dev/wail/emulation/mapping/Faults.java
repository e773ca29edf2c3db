package dev.wail.emulation.mapping;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults the mapping injects into consumer invocations, each with its counter: a batch delivered twice, a random
 * delay before an invocation, an instance killed in the middle of a batch. Drawn from one random sequence, seeded:
 * the same seed draws the same faults in the same order (which batch gets which draw still depends on timing).
 */
public final class Faults {

    /** A crash lands somewhere in the first this-many milliseconds of a batch, which is where a batch spends its time. */
    private static final int CRASH_WINDOW_MS = 60;

    private final double duplicateRate;
    private final Duration maxDelay;
    private final double crashRate;
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong delays = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    /** java.util.Random is thread-safe; the mapping's pollers share it. */
    private final Random random;

    public Faults(double duplicateRate, Duration maxDelay, double crashRate) {
        this(duplicateRate, maxDelay, crashRate, ThreadLocalRandom.current().nextLong());
    }

    public Faults(double duplicateRate, Duration maxDelay, double crashRate, long seed) {
        this.duplicateRate = duplicateRate;
        this.maxDelay = maxDelay;
        this.crashRate = crashRate;
        this.random = new Random(seed);
    }

    public static Faults none() {
        return new Faults(0, Duration.ZERO, 0);
    }

    boolean deliverTwice() {
        return happens(duplicateRate, duplicates);
    }

    /** Sleeps a random time up to the maximum delay, if one is set: the caller is a worker thread. */
    void delay() throws InterruptedException {
        if (!maxDelay.isZero()) {
            delays.incrementAndGet();
            Thread.sleep(random.nextLong(maxDelay.toMillis() + 1));
        }
    }

    /** When to kill the instance that runs this batch, or {@code null} to let it live. */
    Duration crashAfter() {
        return happens(crashRate, crashes) ? Duration.ofMillis(random.nextInt(CRASH_WINDOW_MS))
                : null;
    }

    private boolean happens(double rate, AtomicLong counter) {
        if (rate > 0 && random.nextDouble() < rate) {
            counter.incrementAndGet();
            return true;
        }
        return false;
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long delays() {
        return delays.get();
    }

    public long crashes() {
        return crashes.get();
    }
}
