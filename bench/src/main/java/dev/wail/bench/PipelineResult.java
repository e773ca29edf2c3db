package dev.wail.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything measured for one pipeline in one invocation.
 *
 * @param name                 wail or debezium
 * @param settings             what it ran with, in words
 * @param fixedRate            the common rate's repetitions (none in a sweep)
 * @param steps                the step-up search, in order
 * @param sourceThroughput     rows/s the source took, writing flat out with this pipeline's capture live (NaN: not
 *                             measured, as in a sweep)
 * @param bytesPerChange       bytes of one change on the log, by encoding
 * @param peakRssMiB           peak resident set of the process while this pipeline ran
 */
record PipelineResult(String name, String settings, List<Step> fixedRate, List<Step> steps, double sourceThroughput,
                      Map<String, Double> bytesPerChange, double peakRssMiB) {

    /** Why the step-up search ended where it did, in words, from the last step's figures. */
    String whyTheSearchStopped() {
        if (steps.isEmpty()) {
            return "no steps run";
        }
        Step last = steps.get(steps.size() - 1);
        if (last.sustainedUnderOneSecond()) {
            return "limit not reached: --max-steps ran out";
        }
        if (!last.sourceTookTheRate()) {
            return String.format(java.util.Locale.ROOT, "next step, %,d/s: the source took only %,.0f/s",
                    last.targetRate(), last.achievedRate());
        }
        if (!last.converged()) {
            return String.format(java.util.Locale.ROOT, "next step, %,d/s: no convergence within the drain timeout",
                    last.targetRate());
        }
        return String.format(java.util.Locale.ROOT, "next step, %,d/s: p99 %,.0f ms", last.targetRate(),
                last.p99Millis());
    }

    /** The median of a figure over the common rate's repetitions: the figure the report's table shows (NaN: none). */
    double median(java.util.function.ToDoubleFunction<Step> figure) {
        return fixedRate.isEmpty() ? Double.NaN : Measurement.median(fixedRate.stream().mapToDouble(figure).toArray());
    }

    /** The run at the common rate that the report explains: the last repetition (the warmest). */
    Step commonRateRun() {
        return fixedRate.get(fixedRate.size() - 1);
    }

    /** The step at the limit: the first that missed p99 < 1 s, else the last (the most load it was given). */
    java.util.Optional<Step> limitStep() {
        return steps.stream().filter(s -> !s.sustainedUnderOneSecond()).findFirst()
                .or(() -> steps.isEmpty() ? java.util.Optional.empty()
                        : java.util.Optional.of(steps.get(steps.size() - 1)));
    }

    boolean converged() {
        return fixedRate.stream().allMatch(Step::converged);
    }

    /** The highest target rate whose step sustained p99 under 1 s; 0 if none did. */
    int highestRateUnderOneSecond() {
        return highestSustainedStep().map(Step::targetRate).orElse(0);
    }

    /** The step at the highest target rate that sustained p99 under 1 s, if any did: where the limit figures are. */
    java.util.Optional<Step> highestSustainedStep() {
        return steps.stream().filter(Step::sustainedUnderOneSecond)
                .max(java.util.Comparator.comparingInt(Step::targetRate));
    }
}
