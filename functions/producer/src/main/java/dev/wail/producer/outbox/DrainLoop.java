package dev.wail.producer.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps draining until a deadline, with up to {@code sendsInFlight} drain transactions at once.
 *
 * <p>One poller (the calling thread) drains without pause while batches come back full, and otherwise pauses for the
 * idle poll interval before it looks again (a poll that found no row at all is counted in
 * {@link DrainReport#idlePolls()}). Helpers (the other {@code sendsInFlight - 1}, threads of their own) drain only while
 * a backlog exists: the first full batch wakes them, the first batch that is not full sends them back to sleep. So an
 * idle outbox costs one cheap query per interval, and a backlog is worked on by every helper.
 *
 * <p>Each transaction is a whole {@link OutboxDrain#drainOnce()}: its rows are locked ({@code SKIP LOCKED}, so no two
 * transactions hold the same row), sent, and deleted only once the log accepted every intent of the row, exactly as
 * one drain alone. Concurrency adds no failure mode of its own: a failed send keeps the rows of its own transaction
 * and no other. When a transaction keeps rows because the log refused their intents, its worker pauses for
 * {@link #REFUSED_PAUSE} before it polls again, and the helpers go back to sleep.
 */
final class DrainLoop {

    /** The pause after the log refused intents: the rows stay, and sending them again at once would likely fail too. */
    static final Duration REFUSED_PAUSE = Duration.ofSeconds(1);

    private final Supplier<DrainReport> drainOnce;
    private final int batchRows;
    private final int sendsInFlight;
    private final Duration idlePoll;
    private final boolean untilCaughtUp;
    private final LongSupplier clock;

    /**
     * @param untilCaughtUp stop at the first batch that is not full (drain until empty) instead of polling on
     */
    DrainLoop(Supplier<DrainReport> drainOnce, int batchRows, int sendsInFlight, Duration idlePoll,
            boolean untilCaughtUp, LongSupplier clock) {
        this.drainOnce = drainOnce;
        this.batchRows = batchRows;
        this.sendsInFlight = sendsInFlight;
        this.idlePoll = idlePoll;
        this.untilCaughtUp = untilCaughtUp;
        this.clock = clock;
    }

    /**
     * Polls until {@code deadlineMillis} (by {@code clock}), or until caught up when so built; always drains one batch,
     * even past the deadline.
     */
    DrainReport until(long deadlineMillis) {
        Backlog backlog = new Backlog();
        ExecutorService helpers = null;
        List<Future<DrainReport>> helped = new ArrayList<>();
        DrainReport total = DrainReport.EMPTY;
        try {
            do {
                DrainReport once = drainOnce.get();
                total = total.plus(once.rows() == 0 ? once.plus(DrainReport.IDLE_POLL) : once);
                boolean full = full(once);
                backlog.report(full);
                if (full && helpers == null && sendsInFlight > 1) {
                    // Started at the first backlog, not before: an idle outbox never costs more than one thread.
                    helpers = Executors.newFixedThreadPool(sendsInFlight - 1, DrainLoop::helperThread);
                    for (int i = 1; i < sendsInFlight; i++) {
                        helped.add(helpers.submit(() -> help(backlog, deadlineMillis)));
                    }
                }
                if (!full) {
                    if (untilCaughtUp) {
                        break;
                    }
                    pause(once.retainedRows() > 0 ? REFUSED_PAUSE : idlePoll, deadlineMillis);
                }
            } while (clock.getAsLong() < deadlineMillis);
        } catch (RuntimeException failure) {
            backlog.finish();
            awaitQuietly(helped);
            throw failure;
        } finally {
            backlog.finish();
            if (helpers != null) {
                helpers.shutdown();
            }
        }
        return total.plus(collect(helped));
    }

    /** A helper: drains while the backlog lasts, sleeps while it does not, until the deadline or the poller stops. */
    private DrainReport help(Backlog backlog, long deadlineMillis) throws InterruptedException {
        DrainReport total = DrainReport.EMPTY;
        while (backlog.awaitFull(deadlineMillis, clock) && clock.getAsLong() < deadlineMillis) {
            DrainReport once = drainOnce.get();
            total = total.plus(once);
            boolean full = full(once);
            backlog.report(full);
            if (!full) {
                if (once.retainedRows() > 0) {
                    pause(REFUSED_PAUSE, deadlineMillis);
                }
            }
        }
        return total;
    }

    private boolean full(DrainReport once) {
        return once.rows() == batchRows && once.retainedRows() == 0;
    }

    private static DrainReport collect(List<Future<DrainReport>> helped) {
        DrainReport total = DrainReport.EMPTY;
        for (Future<DrainReport> helper : helped) {
            try {
                total = total.plus(helper.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the outbox drain's helpers", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException("an outbox drain helper failed", e.getCause());
            }
        }
        return total;
    }

    /** Lets the helpers finish their transactions before a failure ends the invocation (Lambda freezes it). */
    private static void awaitQuietly(List<Future<DrainReport>> helped) {
        for (Future<DrainReport> helper : helped) {
            try {
                helper.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException ignored) {
                // The poller's own failure is the one reported.
            }
        }
    }

    private void pause(Duration duration, long deadlineMillis) {
        long millis = Math.min(duration.toMillis(), deadlineMillis - clock.getAsLong());
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the outbox drain was interrupted", e);
        }
    }

    private static Thread helperThread(Runnable work) {
        Thread thread = new Thread(work, "wail-outbox-drain-helper");
        thread.setDaemon(true);
        return thread;
    }

    /** Whether the last batch any worker drained was full, and whether the poller has stopped. */
    private static final class Backlog {
        private boolean full;
        private boolean finished;

        synchronized void report(boolean fullBatch) {
            full = fullBatch;
            if (fullBatch) {
                notifyAll();
            }
        }

        synchronized void finish() {
            finished = true;
            notifyAll();
        }

        /** Waits for a backlog; {@code false} once the poller stopped or the deadline passed. */
        synchronized boolean awaitFull(long deadlineMillis, LongSupplier clock) throws InterruptedException {
            while (!full && !finished) {
                long left = deadlineMillis - clock.getAsLong();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return !finished;
        }
    }
}
