package dev.wail.bench;

import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One invocation of the benchmark: one embedded PostgreSQL (source and read model), the source's own throughput
 * without capture, then each pipeline in turn on freshly reset tables: warm-up, the fixed common rate
 * {@code repetitions} times, the step-up search, and the source's throughput with that pipeline's capture live;
 * then the {@link Sweep}, if one is asked for.
 */
final class SideBySide {

    private static final Logger LOG = Logger.getLogger(SideBySide.class);

    /**
     * How the run is shaped, beyond the workload itself. {@code wail} is what the wail side runs with; Debezium's
     * settings follow from it ({@link #debezium()}).
     */
    record Plan(Workload workload, int repetitions, int warmUpSeconds, int stepSeconds, int stepRepetitions,
                int firstStepRate, double stepFactor, int maxSteps, int throughputSeconds, Duration drainTimeout,
                WailSettings wail, Sweep sweep) {

        DebeziumSettings debezium() {
            return DebeziumSettings.fairTo(wail);
        }
    }

    /**
     * The figures of one invocation, and the machine's load average ({@code /proc/loadavg}) before and after.
     * {@code pipelines} is empty when only a sweep ran.
     */
    record Outcome(double sourceThroughputNoCapture, List<PipelineResult> pipelines, List<Sweep.Point> sweep,
                   String loadBefore, String loadAfter) {
    }

    /** What one pipeline is put through: the common rate's repetitions, runs per step, the source's throughput. */
    private record Protocol(int repetitions, int stepRepetitions, boolean sourceThroughput) {
    }

    private final Plan plan;

    SideBySide(Plan plan) {
        this.plan = plan;
    }

    Outcome run() throws Exception {
        String loadBefore = Probe.loadAverage();
        LOG.infof("load average before: %s", loadBefore);
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedSqsServer sqs = EmbeddedSqsServer.start()) {
            postgres.execute(SchemaInstaller.sql());
            Probe.prepareServer(postgres);
            double noCapture = measurement(postgres).sourceThroughput(plan.throughputSeconds());
            LOG.infof("source throughput without capture: %.0f rows/s", noCapture);
            List<PipelineResult> results = new ArrayList<>();
            if (!plan.sweep().only()) {
                Protocol full = new Protocol(plan.repetitions(), plan.stepRepetitions(), true);
                results.add(measure(postgres, pg -> new WailPipeline(pg, sqs, plan.wail()), plan.wail().toString(),
                        full));
                DebeziumSettings debezium = plan.debezium();
                results.add(measure(postgres, pg -> new DebeziumPipeline(pg, debezium), debezium.toString(), full));
            }
            List<Sweep.Point> sweep = sweep(postgres, sqs);
            return new Outcome(noCapture, results, sweep, loadBefore, Probe.loadAverage());
        }
    }

    /** Each swept setting's step-up search (after a warm-up; no common-rate runs, no source throughput). */
    private List<Sweep.Point> sweep(EmbeddedPostgresServer postgres, EmbeddedSqsServer sqs) throws Exception {
        Sweep sweep = plan.sweep();
        Protocol protocol = new Protocol(0, sweep.stepRepetitions(), false);
        List<Sweep.Point> points = new ArrayList<>();
        // The comparison's Debezium already ran with the plan's settings: a sweep re-runs Debezium only at new ones.
        Set<DebeziumSettings> measured = new HashSet<>();
        if (!sweep.only()) {
            measured.add(plan.debezium());
        }
        if (sweep.sweeps(Sweep.Kind.LOOPS)) {
            for (int loops : sweep.loops()) {
                WailSettings wail = plan.wail().withConsumerLoops(loops);
                points.add(new Sweep.Point("consumer loops", loops + " consumer loops",
                        measure(postgres, pg -> new WailPipeline(pg, sqs, wail), wail.toString(), protocol)));
                // Debezium's sink is as wide as wail's consumer at every point, measured already or not.
                DebeziumSettings debezium = DebeziumSettings.fairTo(wail);
                measured.add(debezium);
                points.add(new Sweep.Point("consumer loops", debezium.sinkWriters() + " sink writers",
                        measure(postgres, pg -> new DebeziumPipeline(pg, debezium), debezium.toString(), protocol)));
            }
        }
        if (sweep.sweeps(Sweep.Kind.PACKING)) {
            for (int intents : sweep.packing()) {
                WailSettings wail = plan.wail().withIntentsPerMessage(intents);
                points.add(new Sweep.Point("intents per message", intents + " intents per message",
                        measure(postgres, pg -> new WailPipeline(pg, sqs, wail), wail.toString(), protocol)));
                DebeziumSettings debezium = DebeziumSettings.fairTo(wail);
                if (measured.add(debezium)) {
                    points.add(new Sweep.Point("intents per message", "max.batch.size " + debezium.maxBatchSize(),
                            measure(postgres, pg -> new DebeziumPipeline(pg, debezium), debezium.toString(),
                                    protocol)));
                }
            }
        }
        return points;
    }

    private Measurement measurement(EmbeddedPostgresServer postgres) {
        Workload workload = plan.workload();
        postgres.execute(BenchSchema.reset(workload.initialRows(), workload.rowWidth()));
        return new Measurement(postgres, new OrderTraffic(postgres.jdbcUrl(), workload), plan.drainTimeout());
    }

    private PipelineResult measure(EmbeddedPostgresServer postgres, Function<EmbeddedPostgresServer, Pipeline> pipelines,
                                   String settings, Protocol protocol) throws Exception {
        Measurement measurement = measurement(postgres);
        Measurement.resetPeakRss();
        try (Pipeline pipeline = pipelines.apply(postgres)) {
            pipeline.start();
            LOG.infof("%s (%s): warm-up", pipeline.name(), settings);
            measurement.run(pipeline, plan.workload().rate(), plan.warmUpSeconds());
            List<Step> fixed = new ArrayList<>();
            for (int r = 0; r < protocol.repetitions(); r++) {
                fixed.add(log(pipeline, measurement.run(pipeline, plan.workload().rate(), plan.workload().seconds())));
            }
            List<Step> steps = stepUp(pipeline, measurement, protocol.stepRepetitions());
            double throughput = Double.NaN;
            if (protocol.sourceThroughput()) {
                throughput = measurement.sourceThroughput(plan.throughputSeconds());
                LOG.infof("%s: source throughput with capture live: %.0f rows/s", pipeline.name(), throughput);
            }
            return new PipelineResult(pipeline.name(), settings, fixed, steps, throughput, pipeline.bytesPerChange(),
                    Measurement.peakRssMiB());
        }
    }

    /**
     * Raises the rate by {@code stepFactor} until a step misses p99 < 1 s (or the source cannot take the rate). Each
     * step is run {@code repetitions} times and stands for its median run by p99, so one noisy run (the machine
     * may be shared) neither ends the search early nor carries it on.
     */
    private List<Step> stepUp(Pipeline pipeline, Measurement measurement, int repetitions)
            throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        double rate = plan.firstStepRate();
        for (int s = 0; s < plan.maxSteps(); s++) {
            List<Step> runs = new ArrayList<>();
            for (int r = 0; r < repetitions; r++) {
                runs.add(log(pipeline, measurement.run(pipeline, (int) rate, plan.stepSeconds())));
            }
            runs.sort(java.util.Comparator.comparingDouble(Step::p99Millis));
            Step step = runs.get(runs.size() / 2);
            LOG.infof("%s: step %d/s stands for its median run: p99 %.0f ms, %s", pipeline.name(), step.targetRate(),
                    step.p99Millis(), step.sustainedUnderOneSecond() ? "sustained" : "not sustained");
            steps.add(step);
            if (!step.sustainedUnderOneSecond()) {
                measurement.awaitConvergence(); // let the backlog drain before the next figure is taken
                break;
            }
            rate *= plan.stepFactor();
        }
        return steps;
    }

    private static Step log(Pipeline pipeline, Step step) {
        LOG.infof("%s: target %d/s achieved %.0f/s, p50 %.0f ms p99 %.0f ms, %.2f sink writes per source write,"
                        + " CPU s per 1,000: %.3f pipeline, %.3f PostgreSQL; converged %s", pipeline.name(),
                step.targetRate(), step.achievedRate(), step.p50Millis(), step.p99Millis(),
                step.sinkWritesPerSourceWrite(), step.cpuSecondsPer1000(), step.postgresCpuSecondsPer1000(),
                step.converged());
        LOG.info(Bottleneck.reading(step.profile()));
        return step;
    }
}
