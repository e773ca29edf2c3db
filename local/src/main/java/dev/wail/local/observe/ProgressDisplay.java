package dev.wail.local.observe;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Live progress: on a terminal, one refreshing status line (a progress bar over the traffic's duration, then the
 * drain, with the figures beside it); otherwise a plain line every interval, which reads well in CI logs and files.
 */
public final class ProgressDisplay implements AutoCloseable {

    private final Gauges.Reader gauges;
    private final PrintStream out;
    private final ProgressBar bar;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "progress");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String phase = "traffic";

    private ProgressDisplay(Gauges.Reader gauges, PrintStream out, ProgressBar bar) {
        this.gauges = gauges;
        this.out = out;
        this.bar = bar;
    }

    /** A refreshing status line, ticking every second over {@code duration}. */
    public static ProgressDisplay bar(Gauges.Reader gauges, Duration duration) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName("wail").setInitialMax(duration.toSeconds())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).setUnit("s", 1)
                .continuousUpdate().build();
        ProgressDisplay display = new ProgressDisplay(gauges, System.out, bar);
        display.ticker.scheduleAtFixedRate(display::tick, 1, 1, TimeUnit.SECONDS);
        return display;
    }

    /** Plain lines, one every {@code interval}. */
    public static ProgressDisplay lines(Gauges.Reader gauges, Duration interval, PrintStream out) {
        ProgressDisplay display = new ProgressDisplay(gauges, out, null);
        display.ticker.scheduleAtFixedRate(display::tick, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return display;
    }

    /** Names the phase shown next to the figures: traffic, then drain. */
    public void phase(String phase) {
        this.phase = phase;
    }

    private void tick() {
        try {
            Gauges g = gauges.read();
            String figures = describe(g);
            if (bar != null) {
                bar.stepTo(Math.min(bar.getMax(), (long) g.elapsedSeconds()));
                bar.setExtraMessage(phase + " " + figures);
            } else {
                out.printf(Locale.ROOT, "[%5.0fs %-7s] %s%n", g.elapsedSeconds(), phase, figures);
            }
        } catch (Exception e) {
            out.println("progress: cannot read the figures: " + e.getMessage());
        }
    }

    static String describe(Gauges g) {
        Gauges.Rates r = g.rates();
        return String.format(Locale.ROOT, "source %.0f w/s | intents %.0f/s | hydrations %.0f/s | sink %.0f w/s | "
                + "lag p50 %.0f ms p99 %.0f ms | coalescing %.2f | retries %d | DLQ %d",
                r.sourceWrites(), r.intents(), r.hydrations(), r.sinkWrites(), g.window().p50Ms(),
                g.window().p99Ms(), g.coalescingRatio(), g.retries(), g.deadLetters());
    }

    @Override
    public void close() throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        if (bar != null) {
            bar.close();
        }
    }
}
