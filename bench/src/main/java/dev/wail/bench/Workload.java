package dev.wail.bench;

/**
 * The order traffic both pipelines see: inserts of new orders, status updates concentrated on hot keys, some deletes.
 *
 * @param rate          source writes per second, all clients together
 * @param seconds       how long to write
 * @param clients       concurrent writing connections
 * @param insertShare   share of writes that insert a new order (0..1)
 * @param deleteShare   share of writes that delete an order (0..1); the rest are status updates
 * @param hotShare      share of updates that go to the hot keys
 * @param hotKeys       how many of the newest orders are hot
 * @param rowWidth      bytes of filler text in each row (the {@code note} column)
 * @param initialRows   orders present before capture starts
 */
public record Workload(int rate, int seconds, int clients, double insertShare, double deleteShare, double hotShare,
                       int hotKeys, int rowWidth, int initialRows) {

    public Workload {
        if (rate < 1 || seconds < 1 || clients < 1 || hotKeys < 1 || initialRows < hotKeys || rowWidth < 0) {
            throw new IllegalArgumentException("workload needs rate, seconds, clients, hotKeys >= 1, initialRows >= "
                    + "hotKeys and rowWidth >= 0; got " + this);
        }
        if (insertShare < 0 || deleteShare < 0 || insertShare + deleteShare > 1 || hotShare < 0 || hotShare > 1) {
            throw new IllegalArgumentException("shares must be within 0..1 and insert + delete <= 1; got " + this);
        }
    }

    public Workload withRate(int newRate, int newSeconds) {
        return new Workload(newRate, newSeconds, clients, insertShare, deleteShare, hotShare, hotKeys, rowWidth,
                initialRows);
    }
}
