package dev.wail.local.observe;

import dev.wail.emulation.lambda.FunctionPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches the memory of the functions' JVMs during the traffic, for soak runs: every {@code interval}, for each
 * function, the largest resident set (RSS, from {@code /proc/PID/status}) and the largest heap in use and old
 * generation in use ({@code jcmd PID GC.heap_info}; the environments run the serial collector) over its live
 * environments. A leak shows as an old generation that keeps growing from minute to minute.
 */
public final class FunctionMemory implements AutoCloseable {

    /** One function's largest environment at one reading, in MiB. */
    public record Reading(double atSeconds, String function, int environments, double rssMb, double heapUsedMb,
            double oldGenUsedMb) {
    }

    /** " def new generation   total 4928K, used 1234K [..." and " tenured generation   total ...". */
    private static final Pattern GENERATION = Pattern.compile("(?m)^ (\\S[^\\n]*?)\\s+total \\d+K, used (\\d+)K");

    private final List<FunctionPool> pools;
    private final Duration interval;
    private final long startNanos = System.nanoTime();
    private final List<Reading> readings = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    public FunctionMemory(List<FunctionPool> pools, Duration interval) {
        this.pools = List.copyOf(pools);
        this.interval = interval;
        this.thread = new Thread(this::run, "function-memory");
        this.thread.setDaemon(true);
    }

    public FunctionMemory start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!stopped.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                readNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads every function's environments now (also called once when the traffic ends). */
    public void readNow() {
        double at = Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
        for (FunctionPool pool : pools) {
            List<Long> pids = pool.livePids();
            double rss = 0;
            double heap = 0;
            double old = 0;
            for (long pid : pids) {
                rss = Math.max(rss, rssMb(pid));
                double[] heapInfo = heapMb(pid);
                heap = Math.max(heap, heapInfo[0]);
                old = Math.max(old, heapInfo[1]);
            }
            synchronized (readings) {
                readings.add(new Reading(at, pool.name(), pids.size(), round(rss), round(heap), round(old)));
            }
        }
    }

    public List<Reading> readings() {
        synchronized (readings) {
            return List.copyOf(readings);
        }
    }

    private static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the environment ended (a crash fault) between the listing and the reading
        }
        return 0;
    }

    /** Heap in use and old generation in use, in MiB; zeros when the JVM did not answer. */
    private static double[] heapMb(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new double[] {0, 0};
            }
            long usedKb = 0;
            long oldKb = 0;
            Matcher generation = GENERATION.matcher(output);
            while (generation.find()) {
                long kb = Long.parseLong(generation.group(2));
                usedKb += kb;
                if (generation.group(1).contains("tenured") || generation.group(1).contains("old")) {
                    oldKb += kb;
                }
            }
            return new double[] {usedKb / 1024.0, oldKb / 1024.0};
        } catch (IOException e) {
            return new double[] {0, 0};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new double[] {0, 0};
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    @Override
    public void close() throws InterruptedException {
        stopped.countDown();
        if (thread.getState() != Thread.State.NEW) {
            thread.join(60_000);
        }
    }
}
