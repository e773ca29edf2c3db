package dev.wail.bench;

import com.sun.management.ThreadMXBean;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU used by each thread of this JVM since it started: Java threads by id and name from the JVM, and the JVM's own
 * native threads (garbage collector, JIT compilers, VM thread), which the JVM does not list, from
 * {@code /proc/self/task} by their kernel names.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** Each live Java thread's name and CPU seconds so far, keyed by thread id. */
    static Map<Long, Usage.Reading> javaThreads() {
        long[] ids = THREADS.getAllThreadIds();
        long[] cpuNanos = THREADS.getThreadCpuTime(ids);
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        Map<Long, Usage.Reading> readings = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpuNanos[i] >= 0) {
                readings.put(ids[i], new Usage.Reading(infos[i].getThreadName(), cpuNanos[i] / 1e9));
            }
        }
        return readings;
    }

    /** The JVM's native threads' CPU seconds so far, keyed by kernel thread id, named by what they do. */
    static Map<Long, Usage.Reading> jvmInternalThreads() {
        Map<Long, Usage.Reading> readings = new HashMap<>();
        File[] tasks = new File("/proc/self/task").listFiles();
        for (File task : tasks == null ? new File[0] : tasks) {
            String kind = internalKind(comm(task.toPath()));
            double seconds = kind == null ? -1 : ProcStat.cpuSeconds(task.toPath().resolve("stat"));
            if (seconds >= 0) {
                readings.put(Long.parseLong(task.getName()), new Usage.Reading(kind, seconds));
            }
        }
        return readings;
    }

    /** HotSpot's names for its native threads (truncated to 15 characters by the kernel); null for a Java thread. */
    static String internalKind(String comm) {
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return "[garbage collector]";
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return "[JIT compiler]";
        }
        if (comm.startsWith("VM ") || comm.equals("Sweeper thread") || comm.equals("Monitor Deflati")) {
            return "[VM thread]";
        }
        return null;
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).trim();
        } catch (IOException gone) {
            return "";
        }
    }

    /** CPU seconds of the whole process so far, every thread included. */
    static double processSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }
}
