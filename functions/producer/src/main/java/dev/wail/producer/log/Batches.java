package dev.wail.producer.log;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/** Cuts a sequence of entries into consecutive runs that respect a count limit and a byte limit. */
final class Batches {

    private Batches() {
    }

    /**
     * Splits {@code entries}, keeping their order, into runs of at most {@code maxEntries} whose sizes add up to at
     * most {@code maxBytes}. An entry larger than {@code maxBytes} on its own gets a run of its own, so that the
     * service refuses it alone and its neighbours go through.
     */
    static List<List<Integer>> split(List<Integer> entries, IntUnaryOperator size, int maxEntries, long maxBytes) {
        List<List<Integer>> runs = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int entry : entries) {
            int entryBytes = size.applyAsInt(entry);
            if (!current.isEmpty() && (current.size() == maxEntries || bytes + entryBytes > maxBytes)) {
                runs.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(entry);
            bytes += entryBytes;
        }
        if (!current.isEmpty()) {
            runs.add(current);
        }
        return runs;
    }

    /** {@code 0, 1, ..., count - 1}. */
    static List<Integer> range(int count) {
        List<Integer> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(i);
        }
        return all;
    }
}
