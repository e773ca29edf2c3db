package dev.wail.local.observe;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * The pipeline's live figures, read at each tick: cumulative counters from every stage, plus rates and freshness over
 * the interval since the previous tick.
 *
 * @param sourceWrites rows the order traffic wrote (counted by the traffic itself)
 * @param intents      intents the consumers took in (their {@code IntentsIn} metric; redeliveries included)
 * @param hydrations   entities the consumers read from the source and wrote (their {@code Refreshed} metric)
 * @param entities     distinct entities per batch, summed (their {@code Entities} metric): intents / entities is the
 *                     coalescing ratio
 * @param retries      records handed back to the log for another delivery
 * @param deadLetters  messages in the DLQ (Kinesis: records sent to the on-failure destination)
 */
public record Gauges(double elapsedSeconds, long sourceWrites, long intents, long hydrations, long entities,
        long sinkWrites, long retries, long deadLetters, Rates rates, SinkProbe.SinkWindow window) {

    /** Per-second rates over the last interval. */
    public record Rates(double sourceWrites, double intents, double hydrations, double sinkWrites) {
    }

    public double coalescingRatio() {
        return entities == 0 ? 0 : (double) intents / entities;
    }

    /** Reads the figures and derives the rates against the previous reading. */
    public static final class Reader {
        private final long startNanos = System.nanoTime();
        private final LongSupplier sourceWrites;
        private final EmfTally tally;
        private final SinkProbe sink;
        private final LongSupplier retries;
        private final LongSupplier deadLetters;
        private Gauges previous;
        private long sinkWrites;

        public Reader(LongSupplier sourceWrites, EmfTally tally, SinkProbe sink, LongSupplier retries,
                LongSupplier deadLetters) {
            this.sourceWrites = sourceWrites;
            this.tally = tally;
            this.sink = sink;
            this.retries = retries;
            this.deadLetters = deadLetters;
        }

        public synchronized Gauges read() throws SQLException {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            SinkProbe.SinkWindow window = sink.since(previous == null ? 0 : previous.window().lastSeq());
            sinkWrites += window.writes();
            Gauges now = new Gauges(elapsed, sourceWrites.getAsLong(), tally.total("IntentsIn"),
                    tally.total("Refreshed"), tally.total("Entities"), sinkWrites, retries.getAsLong(),
                    deadLetters.getAsLong(), null, window);
            double seconds = previous == null ? elapsed : elapsed - previous.elapsedSeconds();
            Gauges base = previous == null ? new Gauges(0, 0, 0, 0, 0, 0, 0, 0, null, null) : previous;
            Rates rates = new Rates((now.sourceWrites - base.sourceWrites) / seconds,
                    (now.intents - base.intents) / seconds, (now.hydrations - base.hydrations) / seconds,
                    (now.sinkWrites - base.sinkWrites) / seconds);
            previous = new Gauges(elapsed, now.sourceWrites, now.intents, now.hydrations, now.entities, sinkWrites,
                    now.retries, now.deadLetters, rates, window);
            return previous;
        }
    }
}
