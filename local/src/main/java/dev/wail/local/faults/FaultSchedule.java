package dev.wail.local.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Injects the chosen outages during the traffic: the first after {@code after}, each lasting {@code length}, one after
 * the other (in the order of {@link Fault}) with {@link #GAP} between them, the whole round again every {@code every}
 * (or once, when {@code every} is zero). Stopped when the traffic ends; an outage under way is ended then, so the
 * drain and the verification run on a whole pipeline. Each outage is recorded with its start (seconds into the
 * traffic) and length.
 */
public final class FaultSchedule implements AutoCloseable {

    /** Time between two outages of one round, so that each one's effect can be told apart in the progress lines. */
    static final Duration GAP = Duration.ofSeconds(2);

    /** Begins and ends one kind of outage. */
    public interface Outage {
        void begin();

        void end();
    }

    /** One outage as it happened: when it began (seconds after the traffic started) and how long it lasted. */
    public record Injected(Fault fault, double atSeconds, long lastedMillis) {
    }

    private final Map<Fault, Outage> outages;
    private final Duration after;
    private final Duration length;
    private final Duration every;
    private final List<Injected> injected = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    /** Counted down when the traffic ends: cuts short the wait of an outage or between outages, never a begin or end. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    public FaultSchedule(Map<Fault, Outage> outages, Duration after, Duration length, Duration every) {
        this.outages = new EnumMap<>(Fault.class);
        this.outages.putAll(outages);
        this.after = after;
        this.length = length;
        this.every = every;
        this.thread = new Thread(this::run, "fault-schedule");
        this.thread.setDaemon(true);
    }

    public FaultSchedule start() {
        if (!outages.isEmpty()) {
            thread.start();
        }
        return this;
    }

    private void run() {
        if (waitOrStop(after.toMillis())) {
            return;
        }
        while (true) {
            long roundStart = System.nanoTime();
            for (Map.Entry<Fault, Outage> outage : outages.entrySet()) {
                if (inject(outage.getKey(), outage.getValue()) || waitOrStop(GAP.toMillis())) {
                    return;
                }
            }
            if (every.isZero()) {
                return;
            }
            long rest = every.toMillis() - (System.nanoTime() - roundStart) / 1_000_000;
            if (waitOrStop(Math.max(0, rest))) {
                return;
            }
        }
    }

    /** Waits, or less when the traffic ends; true when it ended. */
    private boolean waitOrStop(long millis) {
        try {
            return stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** One outage, begun, held for its length (less if the traffic ends) and ended; true when the traffic ended. */
    private boolean inject(Fault fault, Outage outage) {
        long begin = System.nanoTime();
        double at = (begin - startNanos) / 1e9;
        System.out.printf(Locale.ROOT, "wail local pipeline: fault %s at %.0fs for %.1fs%n", fault, at,
                length.toMillis() / 1000.0);
        try {
            outage.begin();
        } catch (RuntimeException e) {
            // Not counted: the summary then shows the fault did not happen, and a run that asked for it fails its test.
            System.out.printf("wail local pipeline: fault %s could not begin: %s%n", fault, e.getMessage());
            return false;
        }
        try {
            return waitOrStop(length.toMillis());
        } finally {
            outage.end();
            long lasted = (System.nanoTime() - begin) / 1_000_000;
            synchronized (injected) {
                injected.add(new Injected(fault, Math.round(at * 10) / 10.0, lasted));
            }
            System.out.printf(Locale.ROOT, "wail local pipeline: fault %s over after %d ms%n", fault, lasted);
        }
    }

    /** The outages so far, in order. */
    public List<Injected> injected() {
        synchronized (injected) {
            return List.copyOf(injected);
        }
    }

    public long count(Fault fault) {
        return injected().stream().filter(i -> i.fault() == fault).count();
    }

    /** Stops injecting; waits until an outage under way has ended. */
    @Override
    public void close() throws InterruptedException {
        stopped.countDown();
        if (thread.getState() != Thread.State.NEW) {
            thread.join(Duration.ofSeconds(120).toMillis());
        }
    }
}
