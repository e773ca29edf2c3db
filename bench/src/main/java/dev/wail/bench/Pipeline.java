package dev.wail.bench;

/**
 * One change-capture pipeline from the benchmark's source table to its read model. Lifecycle: {@link #start()} once
 * the tables exist (it installs its capture and returns when capture is live), any number of workload runs, then
 * {@link #close()}, which stops every thread it started.
 */
interface Pipeline extends AutoCloseable {

    String name();

    void start() throws Exception;

    /** What one change cost on the log, in bytes, averaged over the changes seen so far (labels to figures). */
    java.util.Map<String, Double> bytesPerChange();

    /**
     * How much waits in each of the pipeline's queues right now (labels, with their unit, to depths). {@code sql} is
     * a statement on the probe's own connection to the server, for queues that live there.
     */
    java.util.Map<String, Long> queueDepths(java.sql.Statement sql) throws java.sql.SQLException;

    /** Its stage clock (cumulative; the probe takes differences) and what each of its thread groups does. */
    Instruments instruments();

    /** What a pipeline records about itself for the probe. */
    record Instruments(StageClock stages, ThreadRoles roles) {
    }

    @Override
    void close() throws Exception;
}
