package dev.wail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU of a Linux process or thread from its {@code /proc/.../stat} file. */
final class ProcStat {

    /** USER_HZ: the unit of utime and stime in {@code stat}; 100 on every Linux the embedded binaries run on. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** utime + stime in seconds, or -1 once the process or thread is gone. Fields 14 and 15, after the name's ")". */
    static double cpuSeconds(Path stat) {
        try {
            String text = Files.readString(stat);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }
}
