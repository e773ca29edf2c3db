package dev.wail.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmark's command line: wail and Debezium side by side on one workload, one machine, one sink writer. */
@Command(name = "wail-bench", mixinStandardHelpOptions = true,
        description = "Runs wail and Debezium one after the other on the same order workload and read-model writer;"
                + " writes bench.md, bench.json and freshness.png.")
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "200", description = "common fixed rate, writes/s (${DEFAULT-VALUE})")
    int rate;
    @Option(names = "--seconds", defaultValue = "30", description = "length of a fixed-rate run (${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--repetitions", defaultValue = "5", description = "fixed-rate runs per pipeline (${DEFAULT-VALUE})")
    int repetitions;
    @Option(names = "--warm-up-seconds", defaultValue = "30",
            description = "untimed run at the common rate before each pipeline's figures (JIT) (${DEFAULT-VALUE})")
    int warmUpSeconds;
    @Option(names = "--clients", defaultValue = "4", description = "writing connections (${DEFAULT-VALUE})")
    int clients;
    @Option(names = "--insert-share", defaultValue = "0.3")
    double insertShare;
    @Option(names = "--delete-share", defaultValue = "0.05")
    double deleteShare;
    @Option(names = "--hot-share", defaultValue = "0.8", description = "share of updates on hot keys (${DEFAULT-VALUE})")
    double hotShare;
    @Option(names = "--hot-keys", defaultValue = "200", description = "newest orders that are hot (${DEFAULT-VALUE})")
    int hotKeys;
    @Option(names = "--row-width", defaultValue = "200", description = "filler bytes per row (${DEFAULT-VALUE})")
    int rowWidth;
    @Option(names = "--initial-rows", defaultValue = "10000")
    int initialRows;
    @Option(names = "--step-seconds", defaultValue = "12", description = "length of a step run (${DEFAULT-VALUE})")
    int stepSeconds;
    @Option(names = "--step-repetitions", defaultValue = "3",
            description = "runs per step; the median by p99 decides (${DEFAULT-VALUE})")
    int stepRepetitions;
    @Option(names = "--first-step-rate", defaultValue = "250")
    int firstStepRate;
    @Option(names = "--step-factor", defaultValue = "1.5")
    double stepFactor;
    @Option(names = "--max-steps", defaultValue = "12",
            description = "steps at most; 250 x 1.5^11 = 21,622/s, beyond what the source takes here (${DEFAULT-VALUE})")
    int maxSteps;
    @Option(names = "--throughput-seconds", defaultValue = "10")
    int throughputSeconds;
    @Option(names = "--drain-timeout-seconds", defaultValue = "60")
    int drainTimeoutSeconds;
    @Option(names = {"--consumer-loops", "--pollers"}, defaultValue = "4",
            description = "wail consumer loops = Debezium sink writers (${DEFAULT-VALUE}); everything else wail runs"
                    + " with is the shipped default (ProducerDefaults, the Terraform module's event source mapping)")
    int consumerLoops;
    @Option(names = "--idle-pause-ms", defaultValue = "50",
            description = "wail outbox drain pause when empty = Debezium poll.interval.ms (${DEFAULT-VALUE})")
    int idlePauseMillis;
    @Option(names = "--sweep", split = ",", paramLabel = "loops|packing",
            description = "after the comparison, a step-up search per setting: consumer loops (Debezium at each"
                    + " width too) and/or intents per message; about 3 min per point with the defaults")
    List<Sweep.Kind> sweep = List.of();
    @Option(names = "--sweep-loops", split = ",", defaultValue = "1,2,4,8", description = "(${DEFAULT-VALUE})")
    List<Integer> sweepLoops;
    @Option(names = "--sweep-packing", split = ",", defaultValue = "1,10,50,200", description = "(${DEFAULT-VALUE})")
    List<Integer> sweepPacking;
    @Option(names = "--sweep-step-repetitions", defaultValue = "1",
            description = "runs per step in a sweep (${DEFAULT-VALUE})")
    int sweepStepRepetitions;
    @Option(names = "--sweep-only", description = "run the sweep without the side-by-side comparison")
    boolean sweepOnly;
    @Option(names = "--out", defaultValue = "bench/target/bench")
    Path out;

    SideBySide.Plan plan() {
        Workload workload = new Workload(rate, seconds, clients, insertShare, deleteShare, hotShare, hotKeys, rowWidth,
                initialRows);
        return new SideBySide.Plan(workload, repetitions, warmUpSeconds, stepSeconds, stepRepetitions, firstStepRate,
                stepFactor, maxSteps, throughputSeconds, Duration.ofSeconds(drainTimeoutSeconds),
                WailSettings.shipped(consumerLoops, Duration.ofMillis(idlePauseMillis)),
                new Sweep(sweep.isEmpty() ? EnumSet.noneOf(Sweep.Kind.class) : EnumSet.copyOf(sweep), sweepLoops,
                        sweepPacking, sweepStepRepetitions, sweepOnly));
    }

    @Override
    public Integer call() throws Exception {
        SideBySide.Plan plan = plan();
        SideBySide.Outcome outcome = new SideBySide(plan).run();
        Report.write(out, plan, outcome);
        System.out.println(Report.markdown(plan, outcome));
        System.out.println("written to " + out.toAbsolutePath());
        return 0;
    }

    public static void main(String[] args) {
        ConsoleLog.install();
        System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
