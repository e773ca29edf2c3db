package dev.wail.bench;

import java.util.List;
import java.util.Map;

/** {@code bench.json}: the figures of one invocation, typed, as Jackson writes records. */
record RunJson(String machine, String loadAverageBefore, String loadAverageAfter, String plan,
               double sourceThroughputNoCapture, List<PipelineJson> pipelines, List<SweepJson> sweep) {

    static RunJson of(SideBySide.Plan plan, SideBySide.Outcome outcome) {
        return new RunJson(Report.machine(), outcome.loadBefore(), outcome.loadAfter(), plan.toString(),
                outcome.sourceThroughputNoCapture(), outcome.pipelines().stream().map(PipelineJson::of).toList(),
                outcome.sweep().stream().map(p -> new SweepJson(p.sweep(), p.setting(), PipelineJson.of(p.result())))
                        .toList());
    }

    /** One point of a sweep (its pipeline has no common-rate runs: those medians are NaN). */
    record SweepJson(String sweep, String setting, PipelineJson pipeline) {
    }

    /** One pipeline's headline figures (medians of the common-rate runs) and every run behind them. */
    record PipelineJson(String name, String settings, int highestRateP99UnderOneSecond, double fixedRateP50Millis,
                        double fixedRateP99Millis, double sinkWritesPerSourceWrite, Map<String, Double> bytesPerChange,
                        double sourceThroughputCaptureLive, double cpuSecondsPer1000Changes,
                        double emulatorCpuSecondsPer1000Changes, double postgresCpuSecondsPer1000Changes,
                        double peakRssMiB, List<StepJson> fixedRateRuns, List<StepJson> steps) {

        static PipelineJson of(PipelineResult p) {
            return new PipelineJson(p.name(), p.settings(), p.highestRateUnderOneSecond(), p.median(Step::p50Millis),
                    p.median(Step::p99Millis), p.median(Step::sinkWritesPerSourceWrite), p.bytesPerChange(),
                    p.sourceThroughput(), p.median(Step::cpuSecondsPer1000), p.median(Step::emulatorCpuSecondsPer1000),
                    p.median(Step::postgresCpuSecondsPer1000), p.peakRssMiB(),
                    p.fixedRate().stream().map(StepJson::of).toList(), p.steps().stream().map(StepJson::of).toList());
        }
    }

    /** One run: its figures and profile, without the per-write lag series (the plot draws it). */
    record StepJson(int targetRate, double achievedRate, long sourceWrites, long sinkWrites, double p50Millis,
                    double p99Millis, double maxMillis, double cpuSecondsPer1000, double emulatorCpuSecondsPer1000,
                    double postgresCpuSecondsPer1000, boolean converged, Profile profile) {

        static StepJson of(Step s) {
            return new StepJson(s.targetRate(), s.achievedRate(), s.sourceWrites(), s.sinkWrites(), s.p50Millis(),
                    s.p99Millis(), s.maxMillis(), s.cpuSecondsPer1000(), s.emulatorCpuSecondsPer1000(),
                    s.postgresCpuSecondsPer1000(), s.converged(), s.profile());
        }
    }
}
