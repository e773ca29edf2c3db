package dev.wail.bench;

import java.util.List;
import java.util.Set;

/**
 * An optional sweep after (or instead of) the side-by-side comparison: wail's step-up search once per setting, each
 * setting changed alone from the plan's wail settings. Sweeping consumer loops runs Debezium at each width too (its
 * sink writers follow wail's loops, {@link DebeziumSettings#fairTo}); sweeping packing runs Debezium only where the
 * fairness rule gives it a setting not yet measured (a larger {@code max.batch.size}).
 *
 * @param kinds           what to sweep; empty: no sweep
 * @param loops           consumer loops to try
 * @param packing         intents per message to try
 * @param stepRepetitions runs per step (the median by p99 decides); fewer than the comparison's, to keep it short
 * @param only            skip the side-by-side comparison (the source's own throughput is still measured)
 */
record Sweep(Set<Kind> kinds, List<Integer> loops, List<Integer> packing, int stepRepetitions, boolean only) {

    enum Kind { LOOPS, PACKING }

    /** One point of a sweep: which sweep, the setting in words, and what was measured. */
    record Point(String sweep, String setting, PipelineResult result) {
    }

    Sweep {
        kinds = Set.copyOf(kinds);
        loops = List.copyOf(loops);
        packing = List.copyOf(packing);
        if (stepRepetitions < 1) {
            throw new IllegalArgumentException("--sweep-step-repetitions must be at least 1, got " + stepRepetitions);
        }
        if (only && kinds.isEmpty()) {
            throw new IllegalArgumentException("--sweep-only needs --sweep loops, packing or both");
        }
    }

    boolean sweeps(Kind kind) {
        return kinds.contains(kind);
    }
}
