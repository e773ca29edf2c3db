package dev.wail.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything measured for one pipeline in one invocation.
 *
 * @param name                 wail or debezium
 * @param fixedRate            the common rate's repetitions
 * @param steps                the step-up search, in order
 * @param sourceThroughput     rows/s the source took, writing flat out with this pipeline's capture live
 * @param bytesPerChange       bytes of one change on the log, by encoding
 * @param peakRssMiB           peak resident set of the process while this pipeline ran
 */
record PipelineResult(String name, List<Step> fixedRate, List<Step> steps, double sourceThroughput,
                      Map<String, Double> bytesPerChange, double peakRssMiB) {

    double fixedP50() {
        return Measurement.median(fixedRate.stream().mapToDouble(Step::p50Millis).toArray());
    }

    double fixedP99() {
        return Measurement.median(fixedRate.stream().mapToDouble(Step::p99Millis).toArray());
    }

    double sinkWritesPerSourceWrite() {
        return Measurement.median(fixedRate.stream().mapToDouble(Step::sinkWritesPerSourceWrite).toArray());
    }

    double cpuSecondsPer1000() {
        return Measurement.median(fixedRate.stream().mapToDouble(Step::cpuSecondsPer1000).toArray());
    }

    double emulatorCpuSecondsPer1000() {
        return Measurement.median(fixedRate.stream().mapToDouble(Step::emulatorCpuSecondsPer1000).toArray());
    }

    double postgresCpuSecondsPer1000() {
        return Measurement.median(fixedRate.stream().mapToDouble(Step::postgresCpuSecondsPer1000).toArray());
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
        return steps.stream().filter(Step::sustainedUnderOneSecond).mapToInt(Step::targetRate).max().orElse(0);
    }
}
