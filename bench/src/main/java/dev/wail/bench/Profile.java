package dev.wail.bench;

import java.util.List;

/**
 * Where the CPU went and how deep each queue got while one run lasted (its writes and the drain after them), as
 * sampled by a {@link Probe}. CPU is in seconds over {@code seconds}; "% of a core" is seconds / {@code seconds}.
 *
 * @param seconds          how long the run was sampled
 * @param cores            cores of the machine
 * @param machineBusyShare share of all the machine's cores that were busy (every process, not only ours)
 * @param loadAverage      {@code /proc/loadavg} when sampling stopped
 * @param jvm              this process's threads (Java threads, and the JVM's own in brackets: garbage collector,
 *                         JIT compiler, VM thread), grouped by name with digits blanked, most CPU first
 * @param jvmUntracked     process CPU in no thread sampled: threads that ended between samples, the rest
 * @param roles            what a thread group does, where the pipeline recorded it from its own code paths
 * @param stages           wall time in each of the pipeline's stages, summed over the threads that run it
 * @param postgres         the server's processes, grouped by application name (else backend type), most CPU first
 * @param queues           each stage's queue between producer and sink, sampled
 * @param statements       the server's statements by total execution time (nested ones also inside their caller)
 */
record Profile(double seconds, int cores, double machineBusyShare, String loadAverage, List<CpuUse> jvm,
               double jvmUntracked, List<CpuUse> postgres, List<QueueDepth> queues, List<StatementTime> statements,
               java.util.Map<String, String> roles, List<StageTime> stages) {

    /**
     * CPU of a group of threads or processes.
     *
     * @param busiestMember the name of the member that used the most, and {@code busiestMemberSeconds} its CPU
     */
    record CpuUse(String group, int members, double cpuSeconds, String busiestMember, double busiestMemberSeconds) {
    }

    /** One queue's depth over time: {@code series} holds (seconds since the run started, depth) pairs. */
    record QueueDepth(String name, long max, double mean, List<double[]> series) {
    }

    record StatementTime(String query, long calls, double totalMillis) {
    }

    /** Wall time in one stage; {@code partOfAbove}: that time includes waiting for work. */
    record StageTime(String name, int threads, boolean partOfAbove, long calls, long items, double totalMillis) {
    }

    /** Share of its threads' time a stage was busy (1 = every thread in it all the time). */
    double busyShare(StageTime stage) {
        return seconds == 0 || stage.threads() == 0 ? 0 : stage.totalMillis() / 1000 / (seconds * stage.threads());
    }

    double shareOfCore(double cpuSeconds) {
        return seconds == 0 ? 0 : cpuSeconds / seconds;
    }

    /** This process's CPU for the pipeline: every thread but the harness's, plus GC and VM threads. */
    double pipelineJvmSeconds() {
        return jvm.stream().filter(use -> !harnessThreads(use.group())).mapToDouble(CpuUse::cpuSeconds).sum()
                + jvmUntracked;
    }

    /** The part of {@link #pipelineJvmSeconds()} spent in ElasticMQ, the SQS emulator (real SQS is not your CPU). */
    double emulatorSeconds() {
        return jvm.stream().filter(use -> use.group().startsWith("elasticmq")).mapToDouble(CpuUse::cpuSeconds).sum();
    }

    /** The server's CPU, every process but the harness's own connections (probe, convergence checks). */
    double postgresSeconds() {
        return postgres.stream().filter(use -> !harnessConnections(use.group()))
                .mapToDouble(CpuUse::cpuSeconds).sum();
    }

    static boolean harnessConnections(String group) {
        return Probe.APPLICATION.equals(group) || Measurement.HARNESS_APPLICATION.equals(group);
    }

    /** Core-seconds the whole machine was busy, and of those, the part that was neither this JVM nor the server. */
    double otherProcessesSeconds() {
        double machine = machineBusyShare * cores * seconds;
        double ours = jvm.stream().mapToDouble(CpuUse::cpuSeconds).sum() + jvmUntracked
                + postgres.stream().mapToDouble(CpuUse::cpuSeconds).sum();
        return Math.max(0, machine - ours);
    }

    /** The benchmark's own threads: the writers, the probe, the main thread and Awaitility's convergence checks. */
    static boolean harnessThreads(String group) {
        return group.startsWith("bench-") || group.equals("main") || group.startsWith("awaitility");
    }
}
