package dev.wail.local;

import dev.wail.local.faults.Fault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job's command line. Parsed twice: once before Quarkus starts (the embedded services must exist before the
 * messaging connector and the datasource start) and once by the application itself, from the same arguments.
 */
@Command(name = "local/run", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {
                "Runs wail end to end on this machine: an embedded PostgreSQL with the example order schema and wail's "
                        + "hooks, an embedded SQS (ElasticMQ) or Kinesis (kinesis-mock), and the real producer and "
                        + "consumer function zips under a local Lambda runtime with event source mapping semantics. "
                        + "Order traffic runs for the given duration, then the read model is verified against the "
                        + "source row by row. Exit code 0: verified; 1: the read model differs; 2: bad options.",
                ""},
        footer = {"", "Examples:",
                "  local/run --rate 1000 --duration 20s",
                "  local/run --rate 500 --duration 60s --log sqs-fifo --delivery aws_lambda",
                "  local/run --duplicate-rate 0.2 --max-delay 300ms --crash-rate 0.05",
                "  local/run --fault source-restart,log-outage,sink-outage --fault-for 5s --seed 42",
                "  local/run --endpoint http://localhost:4566     (queues created by localstack/init)"})
public final class RunOptions {

    public enum LogType {
        SQS("sqs"), SQS_FIFO("sqs-fifo"), KINESIS("kinesis");

        private final String label;

        LogType(String label) {
            this.label = label;
        }

        public boolean isSqs() {
            return this != KINESIS;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** How the hooks hand a captured statement's keys to the producer (wail.capture's {@code delivery}). */
    public enum Delivery {
        /** The hooks insert into {@code wail.outbox}; the scheduled {@code outbox-drain} function drains it. */
        OUTBOX("outbox", "outbox-drain"),
        /** The hooks call {@code aws_lambda.invoke(..., 'Event')}: one {@code aurora-hook} invocation per statement. */
        AWS_LAMBDA("aws_lambda", "aurora-hook");

        private final String label;
        private final String handler;

        Delivery(String label, String handler) {
            this.label = label;
            this.handler = handler;
        }

        /** The producer handler this delivery needs ({@code QUARKUS_LAMBDA_HANDLER}). */
        public String handler() {
            return handler;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    @Option(names = "--rate", paramLabel = "WRITES_PER_S", description = "Source writes per second, all clients "
            + "together (default: ${DEFAULT-VALUE}).")
    int rate = 50;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long traffic runs, e.g. 30s, 2m (default: 30s).")
    Duration duration = Duration.ofSeconds(30);

    @Option(names = "--skew", paramLabel = "S", description = "Hot-key skew of status updates: 1 spreads them evenly "
            + "over open orders, higher values concentrate them on the newest orders (default: ${DEFAULT-VALUE}).")
    double skew = 3.0;

    @Option(names = "--clients", description = "Concurrent order clients (sessions) writing the source "
            + "(default: ${DEFAULT-VALUE}).")
    int clients = 8;

    @Option(names = "--log", paramLabel = "TYPE", converter = LogTypeConverter.class,
            description = "Intent log: sqs, sqs-fifo or kinesis (default: sqs).")
    LogType log = LogType.SQS;

    @Option(names = "--delivery", paramLabel = "DELIVERY", converter = DeliveryConverter.class,
            description = "How the hooks hand captured keys to the producer: outbox (rows in wail.outbox, drained by "
                    + "the scheduled outbox-drain function) or aws_lambda (one aurora-hook invocation per statement) "
                    + "(default: outbox).")
    Delivery delivery = Delivery.OUTBOX;

    @Option(names = "--concurrency", description = "Maximum concurrent consumer invocations (the mapping's maximum "
            + "concurrency; for Kinesis, one poller per shard, so also the shard count) (default: ${DEFAULT-VALUE}).")
    int concurrency = DeployedDefaults.LOCAL_CONSUMER_CONCURRENCY;

    @Option(names = "--producer-concurrency", description = "Concurrent producer instances: aurora-hook "
            + "environments, or outbox-drain environments for overlapping scheduled invocations "
            + "(default: ${DEFAULT-VALUE}).")
    int producerConcurrency = 3;

    @Option(names = "--batch-size", description = "Records per consumer invocation (default: the module's, "
            + DeployedDefaults.CONSUMER_SQS_BATCH_SIZE + " on SQS and " + DeployedDefaults.CONSUMER_KINESIS_BATCH_SIZE
            + " on Kinesis; at most " + DeployedDefaults.FIFO_MAX_BATCH_SIZE + " on a FIFO queue; above 10 on SQS, "
            + "Lambda needs a batching window of at least 1s).")
    Integer batchSize;

    @Option(names = "--batch-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Maximum batching window: how long the mapping gathers a batch (default: 0s, what one poll "
                    + "returns).")
    Duration batchWindow = DeployedDefaults.CONSUMER_BATCH_WINDOW;

    @Option(names = "--visibility-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "SQS visibility timeout: a failed message comes back after it (default: 10s).")
    Duration visibilityTimeout = Duration.ofSeconds(10);

    @Option(names = "--max-receive-count", description = "Receives before SQS moves a message to the DLQ "
            + "(default: ${DEFAULT-VALUE}).")
    int maxReceiveCount = 5;

    @Option(names = "--function-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Function timeout of aurora-hook and the consumer: an invocation still running after it "
                    + "is killed (default: 60s, the module's producer.timeout and consumer.timeout; the outbox drain "
                    + "has --outbox-drain-timeout).")
    Duration functionTimeout = DeployedDefaults.FUNCTION_TIMEOUT;

    @Option(names = "--outbox-drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The outbox drain function's timeout: each scheduled invocation polls the outbox until "
                    + "shortly before it (default: 70s, the module's producer.outbox_drain.timeout, longer than the "
                    + "schedule's minute so that invocations overlap; --function-timeout does not change it).")
    Duration outboxDrainTimeout = DeployedDefaults.OUTBOX_DRAIN_TIMEOUT;

    @Option(names = "--test-only-drain-every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Testing only: invoke the outbox drain at this rate instead of the module's schedule, "
                    + "rate(1 minute) (default: 1m).")
    Duration drainSchedule = DeployedDefaults.OUTBOX_DRAIN_SCHEDULE;

    @Option(names = "--duplicate-rate", paramLabel = "P", description = "Fault: probability that the mapping "
            + "delivers a batch a second time, as at-least-once delivery may (default: ${DEFAULT-VALUE}).")
    double duplicateRate = 0;

    @Option(names = "--max-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Fault: delay each consumer invocation by a random time up to this (default: 0s).")
    Duration maxDelay = Duration.ZERO;

    @Option(names = "--crash-rate", paramLabel = "P", description = "Fault: probability that a consumer instance is "
            + "killed (SIGKILL) in the middle of a batch (default: ${DEFAULT-VALUE}).")
    double crashRate = 0;

    @Option(names = "--fault", paramLabel = "FAULT", split = ",", converter = FaultConverter.class,
            description = "Fault: an outage during the traffic, repeatable or comma-separated: source-restart (the "
                    + "source PostgreSQL stopped and started again on its port and data), log-outage (the queue or "
                    + "stream unreachable for the producer), sink-outage (the read model's database unreachable for "
                    + "the consumer). Each lasts --fault-for; they run one after the other, 2s apart.")
    List<Fault> faults = new ArrayList<>();

    @Option(names = "--fault-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "When the first --fault begins, after the traffic starts (default: a quarter of "
                    + "--duration).")
    Duration faultAfter;

    @Option(names = "--fault-for", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long each --fault lasts (default: 5s).")
    Duration faultFor = Duration.ofSeconds(5);

    @Option(names = "--fault-every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Repeat the round of --fault outages this often, for soak runs (default: 0s, once).")
    Duration faultEvery = Duration.ZERO;

    @Option(names = "--seed", description = "Seed of the random faults (--duplicate-rate, --max-delay, --crash-rate), "
            + "for a run that draws the same faults in the same order (default: a random seed, printed).")
    Long seed;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Use this SQS/Kinesis endpoint (LocalStack, "
            + "moto_server) instead of the embedded services, or 'aws' for the real services with the default "
            + "credentials; the queues or stream must exist (see localstack/).")
    String endpoint;

    @Option(names = "--queue", description = "Queue name (default: wail-shop-intents, or wail-shop-intents.fifo).")
    String queue;

    @Option(names = "--stream", description = "Stream name (default: ${DEFAULT-VALUE}).")
    String stream = "wail-shop-intents";

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait after traffic for the read model to converge (default: 90s).")
    Duration drainTimeout = Duration.ofSeconds(90);

    @Option(names = "--work-dir", description = "Where function logs, unpacked zips and summary.json go "
            + "(default: ${DEFAULT-VALUE}).")
    Path workDir = Path.of("local", "target", "local-run");

    @Option(names = "--functions-dir", description = "Where the function zips are built "
            + "(default: ${DEFAULT-VALUE}).")
    Path functionsDir = Path.of("functions");

    @Option(names = "--progress", paramLabel = "MODE", description = "bar (a refreshing status line), lines (a "
            + "plain line every --progress-interval) or auto: bar on a terminal (default: ${DEFAULT-VALUE}).")
    String progress = "auto";

    @Option(names = "--progress-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Interval of plain progress lines (default: 5s).")
    Duration progressInterval = Duration.ofSeconds(5);

    /** Parses and validates; throws {@link CommandLine.ParameterException} with a precise message on bad input. */
    public static RunOptions parse(String... args) {
        RunOptions options = new RunOptions();
        CommandLine commandLine = new CommandLine(options);
        commandLine.parseArgs(args);
        options.validate(commandLine);
        return options;
    }

    /** The picocli command line over a fresh options object, for help and error output. */
    public static CommandLine commandLine() {
        return new CommandLine(new RunOptions());
    }

    private void validate(CommandLine commandLine) {
        require(commandLine, rate > 0, "--rate must be positive, got " + rate);
        require(commandLine, !duration.isNegative() && !duration.isZero(), "--duration must be positive");
        require(commandLine, skew >= 1, "--skew must be at least 1, got " + skew);
        require(commandLine, clients > 0, "--clients must be positive, got " + clients);
        require(commandLine, concurrency > 0, "--concurrency must be positive, got " + concurrency);
        require(commandLine, producerConcurrency > 0, "--producer-concurrency must be positive");
        int batch = batchSize();
        require(commandLine, batch > 0, "--batch-size must be positive, got " + batch);
        require(commandLine, log != LogType.SQS_FIFO || batch <= DeployedDefaults.FIFO_MAX_BATCH_SIZE,
                "--batch-size must be at most 10 on a FIFO queue (as on Lambda), got " + batch);
        require(commandLine, batch <= 10_000, "--batch-size must be at most 10000, got " + batch);
        require(commandLine, log != LogType.SQS || batch <= 10 || batchWindow.toMillis() >= 1000,
                "--batch-size above 10 on SQS needs --batch-window of at least 1s (as on Lambda), got "
                        + batchWindow.toMillis() + "ms");
        require(commandLine, !batchWindow.isNegative(), "--batch-window must not be negative");
        require(commandLine, drainSchedule.toMillis() >= 100, "--test-only-drain-every must be at least 100ms");
        require(commandLine, outboxDrainTimeout.toSeconds() > 5 && outboxDrainTimeout.toSeconds() <= 900,
                "--outbox-drain-timeout must be between 6s and 900s (the drain stops 5s before it, as in the module), "
                        + "got " + outboxDrainTimeout.toSeconds() + "s");
        require(commandLine, maxReceiveCount > 0, "--max-receive-count must be positive");
        require(commandLine, visibilityTimeout.toSeconds() >= 1, "--visibility-timeout must be at least 1s");
        require(commandLine, probability(duplicateRate), "--duplicate-rate must be in [0, 1], got " + duplicateRate);
        require(commandLine, probability(crashRate), "--crash-rate must be in [0, 1), got " + crashRate);
        require(commandLine, crashRate < 1, "--crash-rate must be below 1, or no batch could ever succeed");
        require(commandLine, !maxDelay.isNegative(), "--max-delay must not be negative");
        require(commandLine, faultFor.toMillis() >= 100, "--fault-for must be at least 100ms");
        require(commandLine, faultAfter().compareTo(duration) < 0 && !faultAfter().isNegative(),
                "--fault-after must be within --duration (" + duration.toSeconds() + "s), got "
                        + faultAfter().toSeconds() + "s");
        require(commandLine, !faultEvery.isNegative(), "--fault-every must not be negative");
        require(commandLine, faultEvery.isZero() || faultEvery.compareTo(faultRound()) >= 0,
                "--fault-every must be at least one round of --fault outages (" + faultRound().toSeconds() + "s: "
                        + "--fault-for plus 2s per fault), got " + faultEvery.toSeconds() + "s");
        require(commandLine, faults.isEmpty() || !"aws".equals(endpoint),
                "--fault needs services this machine runs or reaches by URL, not --endpoint aws");
        require(commandLine, progress.equals("auto") || progress.equals("bar") || progress.equals("lines"),
                "--progress must be auto, bar or lines, got " + progress);
        if (endpoint != null && !endpoint.equals("aws")) {
            URI uri = URI.create(endpoint);
            require(commandLine, uri.getScheme() != null && uri.getHost() != null,
                    "--endpoint must be a URL like http://localhost:4566 or 'aws', got " + endpoint);
        }
    }

    private static boolean probability(double p) {
        return p >= 0 && p <= 1;
    }

    private static void require(CommandLine commandLine, boolean condition, String message) {
        if (!condition) {
            throw new CommandLine.ParameterException(commandLine, message);
        }
    }

    public int rate() {
        return rate;
    }

    public Duration duration() {
        return duration;
    }

    public double skew() {
        return skew;
    }

    public int clients() {
        return clients;
    }

    public LogType log() {
        return log;
    }

    public Delivery delivery() {
        return delivery;
    }

    /** How often the outbox drain is invoked: the module's schedule unless a test shortened it. */
    public Duration drainSchedule() {
        return drainSchedule;
    }

    public int concurrency() {
        return concurrency;
    }

    public int producerConcurrency() {
        return producerConcurrency;
    }

    /** As given, or the module's default (at most FIFO's limit on a FIFO queue). */
    public int batchSize() {
        if (batchSize != null) {
            return batchSize;
        }
        int deployed = DeployedDefaults.consumerBatchSize(log.isSqs());
        return log == LogType.SQS_FIFO ? Math.min(deployed, DeployedDefaults.FIFO_MAX_BATCH_SIZE) : deployed;
    }

    public Duration batchWindow() {
        return batchWindow;
    }

    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    public int maxReceiveCount() {
        return maxReceiveCount;
    }

    public Duration functionTimeout() {
        return functionTimeout;
    }

    /** The outbox drain function's timeout: the module's {@code producer.outbox_drain.timeout} unless given. */
    public Duration outboxDrainTimeout() {
        return outboxDrainTimeout;
    }

    public double duplicateRate() {
        return duplicateRate;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double crashRate() {
        return crashRate;
    }

    /** The outages to inject, each once per round, without repeats, in the order of {@link Fault}. */
    public Set<Fault> faults() {
        return faults.isEmpty() ? Set.of() : EnumSet.copyOf(faults);
    }

    /** When the first outage begins: a quarter into the traffic unless given. */
    public Duration faultAfter() {
        return faultAfter != null ? faultAfter : duration.dividedBy(4);
    }

    public Duration faultFor() {
        return faultFor;
    }

    /** Zero: one round of outages. */
    public Duration faultEvery() {
        return faultEvery;
    }

    /** One round of outages: each one's length and the gap after it. */
    private Duration faultRound() {
        return faultFor.plusSeconds(2).multipliedBy(faults().size());
    }

    /** The seed of the random faults: as given, or drawn once. */
    public long seed() {
        if (seed == null) {
            seed = ThreadLocalRandom.current().nextLong();
        }
        return seed;
    }

    /** Empty: the embedded services. */
    public Optional<String> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public String queueName() {
        if (queue != null) {
            return queue;
        }
        return log == LogType.SQS_FIFO ? "wail-shop-intents.fifo" : "wail-shop-intents";
    }

    public String streamName() {
        return stream;
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }

    public Path workDir() {
        return workDir;
    }

    public Path functionsDir() {
        return functionsDir;
    }

    /** Whether progress is a refreshing status line rather than plain periodic lines. */
    public boolean progressBar() {
        return progress.equals("bar") || (progress.equals("auto") && System.console() != null);
    }

    public Duration progressInterval() {
        return progressInterval;
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, or an ISO-8601 duration such as {@code PT1M}. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase();
            try {
                if (v.startsWith("pt")) {
                    return Duration.parse(v);
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long amount = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> throw new CommandLine.TypeConversionException(badDuration(value));
                };
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(badDuration(value));
            }
        }

        private static String badDuration(String value) {
            return "'" + value + "' is not a duration: use e.g. 500ms, 30s, 2m or PT1M";
        }
    }

    public static final class FaultConverter implements CommandLine.ITypeConverter<Fault> {
        @Override
        public Fault convert(String value) {
            try {
                return Fault.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class DeliveryConverter implements CommandLine.ITypeConverter<Delivery> {
        @Override
        public Delivery convert(String value) {
            for (Delivery delivery : Delivery.values()) {
                if (delivery.label.equals(value)) {
                    return delivery;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a delivery: use outbox or "
                    + "aws_lambda");
        }
    }

    public static final class LogTypeConverter implements CommandLine.ITypeConverter<LogType> {
        @Override
        public LogType convert(String value) {
            for (LogType type : LogType.values()) {
                if (type.label.equals(value)) {
                    return type;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a log type: use sqs, sqs-fifo "
                    + "or kinesis");
        }
    }
}
