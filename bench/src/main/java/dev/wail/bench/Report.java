package dev.wail.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Writes the outcome as {@code bench.md} (Markdown table), {@code bench.json} and {@code freshness.png}. */
final class Report {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728)};

    private Report() {
    }

    static String machine() {
        return String.format(Locale.ROOT, "%d cores, Java %s, %s %s, max heap %d MiB",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    static String markdown(SideBySide.Plan plan, SideBySide.Outcome outcome) {
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(machine()).append('\n');
        md.append("Load average (/proc/loadavg; the machine may be shared): before ").append(outcome.loadBefore())
                .append(", after ").append(outcome.loadAfter()).append('\n');
        md.append(String.format(Locale.ROOT, "Workload: %s%n%n", plan.workload()));
        if (!outcome.pipelines().isEmpty()) {
            md.append("Settings (wail: the shipped defaults but for its consumer loops; Debezium: what the fairness"
                    + " rule gives it, see docs/benchmark.md):\n");
            outcome.pipelines().forEach(p -> md.append("- ").append(p.name()).append(": ").append(p.settings())
                    .append('\n'));
            md.append('\n');
            comparison(md, plan, outcome);
            md.append(WhereTheTimeGoes.markdown(outcome.pipelines()));
        }
        if (!outcome.sweep().isEmpty()) {
            sweep(md, outcome.sweep());
        }
        return md.toString();
    }

    private static void comparison(StringBuilder md, SideBySide.Plan plan, SideBySide.Outcome outcome) {
        md.append("| figure |");
        outcome.pipelines().forEach(p -> md.append(' ').append(p.name()).append(" |"));
        md.append("\n|---|");
        outcome.pipelines().forEach(p -> md.append("---:|"));
        md.append('\n');
        row(md, "highest rate with p99 < 1 s (writes/s, step-up)", outcome,
                p -> String.format(Locale.ROOT, "%,d (%s)", p.highestRateUnderOneSecond(), p.whyTheSearchStopped()));
        row(md, "freshness p50 at " + plan.workload().rate() + "/s (ms, median of " + plan.repetitions() + ")",
                outcome, p -> fmt(p.median(Step::p50Millis)));
        row(md, "freshness p99 at " + plan.workload().rate() + "/s (ms, median of " + plan.repetitions() + ")",
                outcome, p -> fmt(p.median(Step::p99Millis)));
        row(md, "sink writes per source write", outcome, p -> String.format(Locale.ROOT, "%.2f",
                p.median(Step::sinkWritesPerSourceWrite)));
        row(md, "bytes per change on the log", outcome, p -> bytes(p.bytesPerChange()));
        row(md, "source throughput, capture live (rows/s; none: " + fmt(outcome.sourceThroughputNoCapture()) + ")",
                outcome, p -> fmt(p.sourceThroughput()));
        row(md, "pipeline process CPU s per 1,000 changes at " + plan.workload().rate()
                + "/s (JVM, harness threads excluded)", outcome,
                p -> thousandths(p.median(Step::cpuSecondsPer1000)));
        row(md, "&nbsp;&nbsp;of which ElasticMQ, the SQS emulator in the same JVM", outcome,
                p -> thousandths(p.median(Step::emulatorCpuSecondsPer1000)));
        row(md, "PostgreSQL CPU s per 1,000 changes at " + plan.workload().rate()
                + "/s (all backends, writers' included)", outcome,
                p -> thousandths(p.median(Step::postgresCpuSecondsPer1000)));
        row(md, "JVM + PostgreSQL CPU s per 1,000 changes at " + plan.workload().rate() + "/s, ElasticMQ excluded",
                outcome, p -> thousandths(p.median(Step::pipelineAndPostgresCpuSecondsPer1000WithoutEmulator)));
        row(md, "at the highest sustained step (writes/s)", outcome,
                p -> p.highestSustainedStep().map(s -> String.format(Locale.ROOT, "%,d", s.targetRate()))
                        .orElse("none sustained"));
        row(md, "&nbsp;&nbsp;pipeline process CPU s per 1,000 changes (JVM)", outcome,
                p -> atHighest(p, s -> thousandths(s.cpuSecondsPer1000())));
        row(md, "&nbsp;&nbsp;&nbsp;&nbsp;of which ElasticMQ", outcome,
                p -> atHighest(p, s -> thousandths(s.emulatorCpuSecondsPer1000())));
        row(md, "&nbsp;&nbsp;PostgreSQL CPU s per 1,000 changes", outcome,
                p -> atHighest(p, s -> thousandths(s.postgresCpuSecondsPer1000())));
        row(md, "&nbsp;&nbsp;JVM + PostgreSQL CPU s per 1,000 changes, ElasticMQ excluded", outcome,
                p -> atHighest(p, s -> thousandths(s.pipelineAndPostgresCpuSecondsPer1000WithoutEmulator())));
        row(md, "&nbsp;&nbsp;sink writes per source write", outcome,
                p -> atHighest(p, s -> String.format(Locale.ROOT, "%.2f", s.sinkWritesPerSourceWrite())));
        row(md, "peak RSS of the process (MiB)", outcome, p -> fmt(p.peakRssMiB()));
        row(md, "converged row by row", outcome, p -> Boolean.toString(p.converged()));
    }

    private static String atHighest(PipelineResult p, java.util.function.Function<Step, String> figure) {
        return p.highestSustainedStep().map(figure).orElse("-");
    }

    /**
     * One row per swept setting: its limit and what it cost there. CPU excludes the emulator in the "JVM without
     * ElasticMQ" column, so settings that call SQS less are not flattered or penalised by the emulator's own cost.
     */
    private static void sweep(StringBuilder md, List<Sweep.Point> points) {
        md.append("\n## Sweeps (one step-up search per setting; the other settings as above)\n\n");
        md.append("| sweep | pipeline | setting | highest rate with p99 < 1 s (why the search stopped) | p99 there (ms)"
                + " | sink writes per source write there | JVM CPU s per 1,000 there | of which ElasticMQ"
                + " | PostgreSQL CPU s per 1,000 there | JVM + PostgreSQL without ElasticMQ there |\n"
                + "|---|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Sweep.Point point : points) {
            PipelineResult p = point.result();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d (%s) | %s | %s | %s | %s | %s | %s |%n",
                    point.sweep(), p.name(), point.setting(), p.highestRateUnderOneSecond(), p.whyTheSearchStopped(),
                    atHighest(p, s -> fmt(s.p99Millis())),
                    atHighest(p, s -> String.format(Locale.ROOT, "%.2f", s.sinkWritesPerSourceWrite())),
                    atHighest(p, s -> thousandths(s.cpuSecondsPer1000())),
                    atHighest(p, s -> thousandths(s.emulatorCpuSecondsPer1000())),
                    atHighest(p, s -> thousandths(s.postgresCpuSecondsPer1000())),
                    atHighest(p, s -> thousandths(s.pipelineAndPostgresCpuSecondsPer1000WithoutEmulator()))));
        }
        md.append('\n');
        points.forEach(point -> md.append("- ").append(point.result().name()).append(", ").append(point.setting())
                .append(": ").append(point.result().settings()).append('\n'));
    }

    private static void row(StringBuilder md, String label, SideBySide.Outcome outcome,
                            java.util.function.Function<PipelineResult, String> value) {
        md.append("| ").append(label).append(" |");
        outcome.pipelines().forEach(p -> md.append(' ').append(value.apply(p)).append(" |"));
        md.append('\n');
    }

    private static String thousandths(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String bytes(Map<String, Double> bytes) {
        List<String> parts = new ArrayList<>();
        bytes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey() + ": " + fmt(e.getValue())));
        return String.join("; ", parts);
    }

    static void write(Path directory, SideBySide.Plan plan, SideBySide.Outcome outcome) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("bench.md"), markdown(plan, outcome));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(directory.resolve("bench.json").toFile(), RunJson.of(plan, outcome));
        ImageIO.write(plot(outcome), "png", directory.resolve("freshness.png").toFile());
    }

    /** Freshness of every sink write of the first fixed-rate run, over time, one colour per pipeline. */
    static BufferedImage plot(SideBySide.Outcome outcome) {
        int width = 1000;
        int height = 500;
        int margin = 60;
        double maxX = 1;
        double maxY = 1;
        for (PipelineResult p : outcome.pipelines()) {
            for (double[] point : firstRun(p)) {
                maxX = Math.max(maxX, point[0]);
                maxY = Math.max(maxY, Double.isNaN(point[1]) ? 0 : point[1]);
            }
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(margin, height - margin, width - margin, height - margin);
        g.drawLine(margin, margin, margin, height - margin);
        g.drawString("seconds since the run started (first fixed-rate run)", width / 2 - 150, height - 20);
        g.drawString(String.format(Locale.ROOT, "freshness, ms (max %.0f)", maxY), 10, margin - 20);
        g.drawString(String.format(Locale.ROOT, "%.0f", maxX), width - margin - 10, height - margin + 15);
        for (int i = 0; i < outcome.pipelines().size(); i++) {
            PipelineResult p = outcome.pipelines().get(i);
            g.setColor(COLORS[i % COLORS.length]);
            g.drawString(p.name(), width - margin - 100, margin + 15 * i);
            for (double[] point : firstRun(p)) {
                if (!Double.isNaN(point[1])) {
                    int x = margin + (int) (point[0] / maxX * (width - 2 * margin));
                    int y = height - margin - (int) (point[1] / maxY * (height - 2 * margin));
                    g.fillRect(x, y, 2, 2);
                }
            }
        }
        g.dispose();
        return image;
    }

    private static List<double[]> firstRun(PipelineResult p) {
        return p.fixedRate().isEmpty() ? List.of() : p.fixedRate().get(0).lag();
    }
}
