package dev.wail.producer.log;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The open shards of a Kinesis stream by hash key range, as {@code ListShards} described them at one time: which shard
 * a partition key hashes to (the MD5 of its UTF-8 bytes, read as an unsigned 128-bit integer, as Kinesis does), and
 * the starting hash key that addresses that shard ({@code ExplicitHashKey}).
 */
final class ShardMap {

    private final List<BigInteger> starts;
    private final long fetchedAtNanos;

    private ShardMap(List<BigInteger> starts, long fetchedAtNanos) {
        this.starts = starts;
        this.fetchedAtNanos = fetchedAtNanos;
    }

    /** The open shards among {@code shards} (closed ones, parents of a reshard, end with a sequence number). */
    static ShardMap of(List<Shard> shards, long fetchedAtNanos) {
        List<BigInteger> open = shards.stream()
                .filter(s -> s.sequenceNumberRange() == null || s.sequenceNumberRange().endingSequenceNumber() == null)
                .map(s -> new BigInteger(s.hashKeyRange().startingHashKey()))
                .sorted(Comparator.naturalOrder())
                .toList();
        if (open.isEmpty()) {
            throw new IllegalStateException("ListShards returned no open shard");
        }
        return new ShardMap(open, fetchedAtNanos);
    }

    long fetchedAtNanos() {
        return fetchedAtNanos;
    }

    /** The shard (by position in hash key order) that {@code partitionKey} hashes to. */
    int shardOf(String partitionKey) {
        BigInteger hash = hash(partitionKey);
        int low = 0;
        int high = starts.size() - 1;
        // The last shard whose range starts at or below the hash: open shards' ranges tile the hash key space.
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (starts.get(middle).compareTo(hash) <= 0) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return low;
    }

    /** The hash key that sends a record to {@code shard}: the start of its range. */
    String explicitHashKey(int shard) {
        return starts.get(shard).toString();
    }

    static BigInteger hash(String partitionKey) {
        try {
            return new BigInteger(1, MessageDigest.getInstance("MD5")
                    .digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }
}
