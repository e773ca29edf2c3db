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

    @Override
    void close() throws Exception;
}
