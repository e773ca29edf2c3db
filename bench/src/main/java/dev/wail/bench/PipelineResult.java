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

    boolean converged() {
        return fixedRate.stream().allMatch(Step::converged);
    }

    /** The highest target rate whose step sustained p99 under 1 s; 0 if none did. */
    int highestRateUnderOneSecond() {
        return steps.stream().filter(Step::sustainedUnderOneSecond).mapToInt(Step::targetRate).max().orElse(0);
    }
}
