package dev.wail.core.intent;

import java.math.BigInteger;

/**
 * Where in the source's history a change was captured. A hint, never a promise: the consumer reads the current state
 * and uses hints only to pick one intent per entity, to verify write-ahead intents, and to judge whether a replica is
 * recent enough.
 *
 * <h2>Order</h2>
 * Hints of one kind compare by position; {@link #NONE} sorts before every positioned hint; hints of different kinds
 * (which never meet for one entity in practice) compare by kind so that the order stays total and deterministic.
 */
public sealed interface VersionHint extends Comparable<VersionHint>
        permits VersionHint.None, VersionHint.Postgres, VersionHint.StreamSequence {

    None NONE = new None();

    /** No position known: a backfill request, or a hook that has none. */
    record None() implements VersionHint {
        @Override
        public int kindRank() {
            return 0;
        }
    }

    /**
     * A PostgreSQL change: the writing transaction's id ({@code pg_current_xact_id()}, an xid8) and the WAL insert
     * position read inside the trigger ({@code pg_current_wal_insert_lsn()}), both as unsigned 64-bit numbers.
     *
     * <p>Ordered by WAL position, then transaction id. Transaction ids alone are not in commit order, but a trigger
     * runs while its transaction holds the row locks of the rows it reports; the next writer of the same row can only
     * get there after this transaction ends, so for one row the WAL position read in the trigger grows with every
     * write.
     *
     * <p>Both fields hold unsigned values: compare them with {@link Long#compareUnsigned}, print them with
     * {@link Long#toUnsignedString}.
     */
    record Postgres(long transactionId, long walPosition) implements VersionHint {
        @Override
        public int kindRank() {
            return 1;
        }
    }

    /**
     * A stream position such as a DynamoDB Streams sequence number: a decimal string of up to 40 digits, increasing
     * for the changes of one item.
     */
    record StreamSequence(BigInteger sequenceNumber) implements VersionHint {
        public StreamSequence {
            if (sequenceNumber.signum() < 0) {
                throw new IllegalArgumentException("a sequence number must not be negative");
            }
        }

        public static StreamSequence of(String digits) {
            return new StreamSequence(new BigInteger(digits));
        }

        @Override
        public int kindRank() {
            return 2;
        }
    }

    /** Position of this kind in the cross-kind order; an implementation detail of {@link #compareTo}. */
    int kindRank();

    @Override
    default int compareTo(VersionHint other) {
        if (kindRank() != other.kindRank()) {
            return Integer.compare(kindRank(), other.kindRank());
        }
        if (this instanceof Postgres a && other instanceof Postgres b) {
            int byPosition = Long.compareUnsigned(a.walPosition(), b.walPosition());
            return byPosition != 0 ? byPosition : Long.compareUnsigned(a.transactionId(), b.transactionId());
        }
        if (this instanceof StreamSequence a && other instanceof StreamSequence b) {
            return a.sequenceNumber().compareTo(b.sequenceNumber());
        }
        return 0;
    }
}
