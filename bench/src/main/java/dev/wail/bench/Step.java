package dev.wail.bench;

import java.util.List;

/**
 * One measured run of a pipeline at one target rate.
 *
 * @param targetRate        source writes per second asked for
 * @param achievedRate      rows changed per second the source took
 * @param sourceWrites      rows changed at the source
 * @param sinkWrites        rows written (upserted or deleted) in the read model
 * @param p50Millis         median freshness of the sink writes (source {@code written_at} to sink write)
 * @param p99Millis         99th percentile of the same
 * @param maxMillis         the largest
 * @param converged         the read model equalled the source, row by row, within the drain timeout
 * @param lag               (seconds since the run started, freshness ms) per sink write, for the plot
 * @param profile           where the CPU went and how deep the queues got, writes and drain together
 */
record Step(int targetRate, double achievedRate, long sourceWrites, long sinkWrites, double p50Millis,
            double p99Millis, double maxMillis, boolean converged, List<double[]> lag, Profile profile) {

    /** CPU of the pipeline's process, the harness's threads (writers, probe, convergence checks) excluded. */
    double cpuSecondsPer1000() {
        return perThousand(profile.pipelineJvmSeconds());
    }

    /** The part of {@link #cpuSecondsPer1000()} spent in the SQS emulator. */
    double emulatorCpuSecondsPer1000() {
        return perThousand(profile.emulatorSeconds());
    }

    /** CPU of the server's processes, the writers' connections included (a capture hook runs in them). */
    double postgresCpuSecondsPer1000() {
        return perThousand(profile.postgresSeconds());
    }

    /**
     * What the CPU target compares: the pipeline's process and the server together, the SQS emulator left out
     * (in AWS the queue's CPU is not the user's).
     */
    double pipelineAndPostgresCpuSecondsPer1000WithoutEmulator() {
        return cpuSecondsPer1000() - emulatorCpuSecondsPer1000() + postgresCpuSecondsPer1000();
    }

    private double perThousand(double seconds) {
        return sourceWrites == 0 ? 0 : seconds * 1000 / sourceWrites;
    }

    double sinkWritesPerSourceWrite() {
        return sourceWrites == 0 ? 0 : (double) sinkWrites / sourceWrites;
    }

    /** Sustained under one second: the source took the rate, the sink kept up, and p99 stayed under 1 s. */
    boolean sustainedUnderOneSecond() {
        return converged && sourceTookTheRate() && p99Millis < 1_000;
    }

    /** The writers reached 95% of the target: below that, the source (not the pipeline) set the pace. */
    boolean sourceTookTheRate() {
        return achievedRate >= 0.95 * targetRate;
    }
}
