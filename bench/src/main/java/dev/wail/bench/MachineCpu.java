package dev.wail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's CPU time, all cores and all processes together, from the first line of {@code /proc/stat}. */
final class MachineCpu {

    private MachineCpu() {
    }

    /** {busy, total} jiffies so far; {0, 0} where {@code /proc/stat} is not readable. */
    static long[] read() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Share of all cores that were busy between two readings. */
    static double busyShare(long[] from, long[] to) {
        long total = to[1] - from[1];
        return total <= 0 ? 0 : (double) (to[0] - from[0]) / total;
    }
}
