package dev.wail.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Wall time spent in each named stage of a pipeline, summed over the threads that run it, with calls and items. A
 * stage busy nearly all the time on all its threads is at its limit whether it spends that time on CPU or waiting
 * (on a lock, a round trip): the measure CPU alone misses.
 */
final class StageClock {

    /**
     * Cumulative figures of one stage; {@code threads} is how many threads run it; {@code partOfAbove}: its time is
     * part of the stage declared before it (a step within it), so it is not a limit of its own.
     */
    record Totals(int threads, boolean partOfAbove, long calls, long items, long nanos) {
        Totals minus(Totals earlier) {
            return earlier == null ? this : new Totals(threads, partOfAbove, calls - earlier.calls,
                    items - earlier.items, nanos - earlier.nanos);
        }
    }

    private record Counters(int threads, boolean partOfAbove, LongAdder calls, LongAdder items, LongAdder nanos) {
    }

    private final Map<String, Counters> stages = new ConcurrentHashMap<>();
    private final Map<String, Integer> order = new ConcurrentHashMap<>();

    /** Declares a stage and how many threads run it; stages are reported in the order declared. */
    StageClock stage(String name, int threads, boolean partOfAbove) {
        order.putIfAbsent(name, order.size());
        stages.put(name, new Counters(threads, partOfAbove, new LongAdder(), new LongAdder(), new LongAdder()));
        return this;
    }

    /**
     * Runs {@code work} as one call of {@code stage}; {@code items} tells how many items the result carried. A call
     * with no items was an idle poll: it is not counted, so a stage's busy time is time spent on work.
     */
    <T> T time(String stage, Supplier<T> work, java.util.function.ToIntFunction<T> items) {
        long start = System.nanoTime();
        T result = work.get();
        record(stage, items.applyAsInt(result), start);
        return result;
    }

    /** Counts one call of {@code stage} that started at {@code startNanos} and ends now, unless it had no items. */
    void record(String stage, int items, long startNanos) {
        record(stage, items, startNanos, System.nanoTime());
    }

    /** Counts one call of {@code stage} from {@code startNanos} to {@code endNanos}, unless it had no items. */
    void record(String stage, int items, long startNanos, long endNanos) {
        if (items > 0) {
            Counters counters = stages.get(stage);
            counters.nanos.add(endNanos - startNanos);
            counters.calls.increment();
            counters.items.add(items);
        }
    }

    /** Every stage's totals so far, in the order declared. */
    Map<String, Totals> snapshot() {
        Map<String, Totals> snapshot = new LinkedHashMap<>();
        order.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            Counters c = stages.get(e.getKey());
            snapshot.put(e.getKey(), new Totals(c.threads, c.partOfAbove, c.calls.sum(), c.items.sum(), c.nanos.sum()));
        });
        return snapshot;
    }
}
