package dev.wail.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.LocalAws;
import dev.wail.embedded.TestData;
import dev.wail.emulation.aurora.InvokeOutcome;
import dev.wail.emulation.aurora.LambdaInvokeEmulator;
import dev.wail.emulation.lambda.FunctionPool;
import dev.wail.emulation.lambda.FunctionSpec;
import dev.wail.emulation.lambda.RuntimeClient;
import dev.wail.emulation.mapping.Faults;
import dev.wail.emulation.mapping.KinesisEventSourceMapping;
import dev.wail.emulation.mapping.MappingStats;
import dev.wail.emulation.mapping.Schedule;
import dev.wail.emulation.mapping.SqsEventSourceMapping;
import dev.wail.local.RunOptions.Delivery;
import dev.wail.local.faults.Fault;
import dev.wail.local.faults.FaultSchedule;
import dev.wail.local.faults.OutageProxy;
import dev.wail.local.faults.SourceRestart;
import dev.wail.local.observe.Backlog;
import dev.wail.local.observe.EmfTally;
import dev.wail.local.observe.FunctionLogs;
import dev.wail.local.observe.FunctionMemory;
import dev.wail.local.observe.Gauges;
import dev.wail.local.observe.ProgressDisplay;
import dev.wail.local.observe.ReadModelVerifier;
import dev.wail.local.observe.SinkProbe;
import dev.wail.local.traffic.OrderTraffic;
import io.quarkus.runtime.QuarkusApplication;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hibernate.reactive.mutiny.Mutiny;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The main job: order traffic on the shop's table, captured by wail's hooks, through the producer function into the
 * intent log, through the consumer function into the read model; live progress; then the read model is verified
 * against the source row by row and a summary printed (and written to {@code summary.json}).
 *
 * <p>The producer function is the one the delivery needs, and only that one: {@code outbox-drain}, invoked by an
 * EventBridge schedule emulation, or {@code aurora-hook}, invoked by the emulation of the triggers'
 * {@code aws_lambda.invoke}.
 */
public class LocalPipeline implements QuarkusApplication {

    static final String CONSUMER = "wail-shop-consumer";

    @Inject
    Mutiny.SessionFactory sessions;

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    @Inject
    Instance<SqsEventSourceMapping> sqsMapping;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public int run(String... args) throws Exception {
        RunOptions options = RunOptions.parse(args);
        LocalServices services = LocalPipelineMain.services;
        installSchemas(services, options.delivery());
        String producerName = producerName(options.delivery());
        Path workDir = options.workDir().toAbsolutePath();
        RuntimeClient runtime = RuntimeClient.prepare(Path.of("local", "target", "lambda-runtime"), workDir);
        EmfTally tally = new EmfTally();
        Faults faults = new Faults(options.duplicateRate(), options.maxDelay(), options.crashRate(), options.seed());
        List<AutoCloseable> resources = new ArrayList<>();
        try (FunctionLogs producerLogs = new FunctionLogs(workDir.resolve("logs"), producerName, tally);
                FunctionLogs consumerLogs = new FunctionLogs(workDir.resolve("logs"), CONSUMER, tally);
                FunctionPool producer = new FunctionPool(producerSpec(options, services, workDir),
                        options.producerConcurrency(), runtime, producerLogs.sink());
                FunctionPool consumer = new FunctionPool(consumerSpec(options, services, workDir),
                        options.concurrency(), runtime, consumerLogs.sink());
                SinkProbe sink = new SinkProbe(services.jdbcUrl(LocalServices.SINK_DATABASE))) {
            // The drain runs one invocation at a time unless one outlasts the schedule: one warm environment.
            int producersWarm = options.delivery() == Delivery.OUTBOX ? 1 : options.producerConcurrency();
            System.out.printf("wail local pipeline: starting %d %s and %d consumer instances (java21 runtime "
                    + "emulation)...%n", producersWarm, options.delivery().handler(), options.concurrency());
            Duration warmUp = producer.warm(producersWarm).plus(consumer.warm(options.concurrency()));
            System.out.printf("wail local pipeline: instances ready in %.1f s%n", warmUp.toMillis() / 1000.0);
            Schedule[] drainSchedule = new Schedule[1];
            if (options.delivery() == Delivery.OUTBOX) {
                drainSchedule[0] = new Schedule(producer::invoke, "arn:aws:events:" + LocalAws.REGION
                        + ":000000000000:rule/" + producerName, LocalAws.REGION).start(options.drainSchedule());
                resources.add(drainSchedule[0]);
            } else {
                startInvokers(options, services, producer, resources);
            }
            MappingStats[] stats = new MappingStats[1];
            resources.add(startMapping(options, services, consumer, faults, stats));
            OrderTraffic traffic = new OrderTraffic(sessions, options.rate(), options.clients(), options.skew());
            Gauges.Reader gauges = new Gauges.Reader(traffic::writes, tally, sink,
                    () -> stats[0].retriedRecords(), () -> deadLetters(options, services, stats[0]));
            ReadModelVerifier verifier = new ReadModelVerifier(services.jdbcUrl(LocalServices.SOURCE_DATABASE),
                    services.jdbcUrl(LocalServices.SINK_DATABASE));
            System.out.printf(Locale.ROOT, "wail local pipeline: delivery %s%s, %s, %d writes/s for %ds, consumer "
                    + "concurrency %d, batch %d within %d ms; function logs in %s%n", options.delivery(),
                    options.delivery() == Delivery.OUTBOX ? " (drain every " + options.drainSchedule().toSeconds()
                            + "s)" : "", options.log(), options.rate(), options.duration().toSeconds(),
                    options.concurrency(), options.batchSize(), options.batchWindow().toMillis(),
                    workDir.resolve("logs"));
            ReadModelVerifier.Verification verification;
            long drainMillis;
            System.out.printf(Locale.ROOT, "wail local pipeline: faults %s, seed %d%n", describeFaults(options),
                    options.seed());
            Instant trafficStart = Instant.now();
            Instant secondHalf = trafficStart.plus(options.duration().dividedBy(2));
            FaultSchedule outages = new FaultSchedule(outages(options, services), options.faultAfter(),
                    options.faultFor(), options.faultEvery());
            FunctionMemory memory = new FunctionMemory(List.of(producer, consumer), MEMORY_INTERVAL);
            try (ProgressDisplay progress = options.progressBar() ? ProgressDisplay.bar(gauges, options.duration())
                    : ProgressDisplay.lines(gauges, options.progressInterval(), System.out)) {
                memory.start();
                outages.start();
                try {
                    traffic.run(options.duration());
                } finally {
                    // Outages end with the traffic: the drain and the verification run on a whole pipeline.
                    outages.close();
                    memory.close();
                }
                memory.readNow();
                progress.phase("drain");
                long drainStart = System.nanoTime();
                try (SqsClient sqs = services.sqsClient()) {
                    verification = awaitConvergence(verifier, backlog(options, services, tally, sqs),
                            options.drainTimeout(), options.delivery());
                }
                drainMillis = (System.nanoTime() - drainStart) / 1_000_000;
            }
            // Mappings and invokers stop first, then the environments; once their output is read to the end, the
            // metric lines of the last invocations are in the tally.
            closeAll(resources);
            producer.close();
            consumer.close();
            Gauges last = gauges.read();
            SinkProbe.SinkWindow overall = sink.since(0);
            SinkProbe.SinkWindow warm = sink.ofSourceWritesFrom(secondHalf);
            ObjectNode summary = summary(options, traffic, last, overall, warm, verification, drainMillis, stats[0],
                    faults, producer, consumer, drainSchedule[0]);
            soak(summary, outages, memory, sink.perMinute(trafficStart));
            Files.createDirectories(workDir);
            json.writerWithDefaultPrettyPrinter().writeValue(workDir.resolve("summary.json").toFile(), summary);
            printSummary(summary, verification);
            return verification.equal() ? 0 : 1;
        } finally {
            closeAll(resources);
        }
    }

    static String producerName(Delivery delivery) {
        return "wail-shop-" + delivery.handler();
    }

    private static void installSchemas(LocalServices services, Delivery delivery) {
        String source = services.jdbcUrl(LocalServices.SOURCE_DATABASE);
        TestData.execute(source, TestData.resource("/local/shop-schema.sql"));
        TestData.execute(source, TestData.resource("/wail/hooks.sql"));
        if (delivery == Delivery.OUTBOX) {
            TestData.execute(source, "SELECT wail.capture('orders', 'shop', delivery => 'outbox')");
        } else {
            TestData.execute(source, TestData.resource("/wail/aws_lambda_emulation.sql"));
            TestData.execute(source, "SELECT wail.capture('orders', 'shop', delivery => 'aws_lambda', function_name => '"
                    + producerName(delivery) + "', region => '" + LocalAws.REGION + "')");
        }
        TestData.execute(services.jdbcUrl(LocalServices.SINK_DATABASE),
                TestData.resource("/local/read-model-schema.sql"));
        // The deploy-time schema step (infra/consumer_schema.tf): consumers check for it at their first batch.
        TestData.execute(services.jdbcUrl(LocalServices.SINK_DATABASE), TestData.resource("/wail/consumer-schema.sql"));
    }

    /** The environment the Terraform module gives the functions, pointed at the local services. */
    private static Map<String, String> commonEnvironment(Optional<URI> awsEndpoint) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", LocalAws.REGION);
        env.put("AWS_DEFAULT_REGION", LocalAws.REGION);
        awsEndpoint.ifPresent(endpoint -> {
            env.put("AWS_ENDPOINT_URL", endpoint.toString());
            env.put("AWS_ACCESS_KEY_ID", System.getProperty("aws.accessKeyId"));
            env.put("AWS_SECRET_ACCESS_KEY", System.getProperty("aws.secretAccessKey"));
        });
        env.put("AWS_CBOR_DISABLED", "true");
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        return env;
    }

    /**
     * The producer function the delivery needs, with the environment infra/producer.tf gives it. Intents per message
     * and outbox rows per drain are left to the function's own defaults ({@code ProducerDefaults}), as the module's
     * defaults are.
     */
    private static FunctionSpec producerSpec(RunOptions options, LocalServices services, Path workDir) {
        // Through the relay a log-outage cuts, when that fault is on.
        Map<String, String> env = commonEnvironment(services.producerEndpoint());
        env.put("QUARKUS_LAMBDA_HANDLER", options.delivery().handler());
        if (options.log().isSqs()) {
            env.put("WAIL_PRODUCER_LOG", "sqs");
            env.put("WAIL_PRODUCER_QUEUE_URL", services.queueUrl());
        } else {
            env.put("WAIL_PRODUCER_LOG", "kinesis");
            env.put("WAIL_PRODUCER_STREAM_NAME", options.streamName());
        }
        if (options.delivery() == Delivery.OUTBOX) {
            // producer.outbox_drain.datasource_url: the source database whose outbox it drains.
            env.put("QUARKUS_DATASOURCE_REACTIVE_URL", services.reactiveUrl(LocalServices.SOURCE_DATABASE));
        }
        // aurora-hook gets no datasource: as deployed by the Terraform module, it never touches a database.
        Path taskRoot = FunctionZips.unpack(options.functionsDir(), "producer", workDir.resolve("functions"));
        // The drain has its own timeout, as in the module (producer.outbox_drain.timeout).
        Duration timeout = options.delivery() == Delivery.OUTBOX ? options.outboxDrainTimeout() : options.functionTimeout();
        return new FunctionSpec(producerName(options.delivery()), taskRoot, env, 512, timeout);
    }

    private static FunctionSpec consumerSpec(RunOptions options, LocalServices services, Path workDir) {
        Map<String, String> env = commonEnvironment(services.endpoint());
        env.put("QUARKUS_LAMBDA_HANDLER", options.log().isSqs() ? "consumer-sqs" : "consumer-kinesis");
        // Through the relay a sink-outage cuts, when that fault is on.
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", services.consumerSinkUrl());
        env.put("WAIL_CONSUMER_MAX_RECEIVE_COUNT", Integer.toString(options.maxReceiveCount()));
        if (options.log().isSqs()) {
            // As the Terraform module sets it: the redrive target, where rejected messages go at once.
            env.put("WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL", services.dlqUrl());
        }
        // As in infra/examples/aurora-postgres-sqs, minus the reader endpoint: there is no replica here.
        env.put("WAIL_SOURCES_SHOP_POSTGRES_WRITER_URL", services.reactiveUrl(LocalServices.SOURCE_DATABASE));
        env.put("WAIL_SOURCES_SHOP_POSTGRES_USERNAME", "postgres");
        env.put("WAIL_SOURCES_SHOP_TABLES_ORDERS_KEY_COLUMNS", "id");
        env.put("WAIL_SOURCES_SHOP_TABLES_ORDERS_COLUMNS", "id,customer,status,total_cents,updated_at");
        env.put("WAIL_SOURCES_SHOP_TABLES_ORDERS_SINK_TABLE", "read_model.orders");
        env.put("WAIL_SOURCES_SHOP_TABLES_ORDERS_VERSION_COLUMN", "updated_at");
        Path taskRoot = FunctionZips.unpack(options.functionsDir(), "consumer", workDir.resolve("functions"));
        return new FunctionSpec(CONSUMER, taskRoot, env, 1024, options.functionTimeout());
    }

    /**
     * Lambda's side of the triggers' {@code aws_lambda.invoke(..., 'Event')}: asynchronous invocations of the
     * producer, retried twice on a function error like Lambda's event queue.
     */
    private void startInvokers(RunOptions options, LocalServices services, FunctionPool producer,
            List<AutoCloseable> resources) {
        // Its own pool: Hibernate Reactive's sessions must not share connections with other users (a connection
        // answers on the event loop that opened it, and a session insists on staying on one thread).
        Pool invokerPool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(
                services.reactiveUrl(LocalServices.SOURCE_DATABASE)).setUser(EmbeddedPostgresServer.USER))
                .with(new PoolOptions().setMaxSize(options.producerConcurrency())).using(vertx)
                .build();
        resources.add(invokerPool::closeAndAwait);
        for (int i = 0; i < options.producerConcurrency(); i++) {
            resources.add(startInvoker(invokerPool, producer));
        }
    }

    private static AutoCloseable startInvoker(Pool pool, FunctionPool producer) {
        LambdaInvokeEmulator invoker = new LambdaInvokeEmulator(pool, (function, payload) -> {
            var result = producer.invoke(payload);
            return result.ok() ? InvokeOutcome.succeeded() : InvokeOutcome.functionError(result.error());
        }, 10, LambdaInvokeEmulator.LAMBDA_ASYNC_ATTEMPTS, Duration.ofSeconds(1));
        return invoker.startPolling(Duration.ofMillis(20));
    }

    private AutoCloseable startMapping(RunOptions options, LocalServices services, FunctionPool consumer,
            Faults faults, MappingStats[] stats) {
        if (options.log().isSqs()) {
            SqsEventSourceMapping mapping = sqsMapping.get();
            stats[0] = mapping.stats();
            return mapping.start(consumer, options.queueName(), options.batchSize(), options.batchWindow(),
                    options.concurrency(), faults);
        }
        KinesisEventSourceMapping mapping = new KinesisEventSourceMapping(services.kinesisClient(),
                options.streamName(), services.streamArn(), consumer, options.batchSize(), options.batchWindow(),
                options.maxReceiveCount(), faults);
        stats[0] = mapping.stats();
        mapping.start();
        return mapping;
    }

    private static long deadLetters(RunOptions options, LocalServices services, MappingStats stats) {
        if (!options.log().isSqs()) {
            return stats.discardedRecords();
        }
        try (SqsClient sqs = services.sqsClient()) {
            return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(services.dlqUrl())
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        }
    }

    /**
     * Waits until no intent is left on its way (see {@link Backlog}) and the read model equals the source, or the
     * timeout passes; returns the last verification.
     */
    private static ReadModelVerifier.Verification awaitConvergence(ReadModelVerifier verifier, Backlog backlog,
            Duration timeout, Delivery delivery) throws Exception {
        long giveUpAt = System.nanoTime() + timeout.toNanos();
        Backlog.Left left = backlog.now();
        while (!left.none() && System.nanoTime() < giveUpAt) {
            Thread.sleep(200);
            left = backlog.now();
        }
        if (!left.none()) {
            System.out.printf("wail local pipeline: after %ds, %d intents were still on the log and %d %s%n",
                    timeout.toSeconds(), left.onTheLog(), left.atSource(), delivery == Delivery.OUTBOX
                            ? "rows in wail.outbox" : "producer invocations waiting");
        }
        ReadModelVerifier.Verification verification = verifier.verify();
        while (!verification.equal() && System.nanoTime() < giveUpAt) {
            Thread.sleep(500);
            verification = verifier.verify();
        }
        return verification;
    }

    private static Backlog backlog(RunOptions options, LocalServices services, EmfTally tally, SqsClient sqs) {
        String source = services.jdbcUrl(LocalServices.SOURCE_DATABASE);
        return options.log().isSqs() ? Backlog.ofQueue(source, options.delivery(), sqs, services.queueUrl())
                : Backlog.ofStream(source, options.delivery(), tally);
    }

    private ObjectNode summary(RunOptions options, OrderTraffic traffic, Gauges last, SinkProbe.SinkWindow overall,
            SinkProbe.SinkWindow secondHalf, ReadModelVerifier.Verification verification, long drainMillis, MappingStats stats, Faults faults,
            FunctionPool producer, FunctionPool consumer, Schedule drainSchedule) {
        ObjectNode summary = json.createObjectNode();
        summary.put("log", options.log().toString());
        summary.put("delivery", options.delivery().toString());
        summary.put("durationSeconds", options.duration().toSeconds());
        summary.put("offeredRate", options.rate());
        ObjectNode source = summary.putObject("source");
        source.put("writes", traffic.writes());
        source.put("creates", traffic.creates());
        source.put("updates", traffic.updates());
        source.put("cancels", traffic.cancels());
        source.put("deletes", traffic.deletes());
        source.put("failedOperations", traffic.errors());
        source.put("writesPerSecond", round(traffic.writes() / (double) options.duration().toSeconds()));
        ObjectNode consumerNode = summary.putObject("consumer");
        consumerNode.put("intents", last.intents());
        consumerNode.put("entities", last.entities());
        consumerNode.put("hydrations", last.hydrations());
        consumerNode.put("coalescingRatio", round(last.coalescingRatio()));
        consumerNode.put("batches", stats.batches());
        consumerNode.put("retriedRecords", stats.retriedRecords());
        consumerNode.put("failedInvocations", stats.failedInvocations());
        consumerNode.put("deadLetters", last.deadLetters());
        consumerNode.put("coldStarts", consumer.coldStarts());
        consumerNode.put("meanInvocationMs", round(consumer.meanInvocationMillis()));
        // The batch sizes in use: the mapping's settings, and what the invocations that returned were given (a
        // crashed one may not have reported its intents; redeliveries are on both sides of each ratio).
        ObjectNode batch = consumerNode.putObject("batch");
        batch.put("size", options.batchSize());
        batch.put("windowMs", options.batchWindow().toMillis());
        batch.put("concurrency", options.concurrency());
        long invocations = stats.completedBatches();
        long messages = stats.completedRecords();
        batch.put("messagesPerInvocation", invocations == 0 ? 0 : round(messages / (double) invocations));
        batch.put("largestInvocationMessages", stats.largestBatch());
        batch.put("intentsPerInvocation", invocations == 0 ? 0 : round(last.intents() / (double) invocations));
        ObjectNode producerNode = summary.putObject("producer");
        producerNode.put("function", producer.name());
        producerNode.put("invocations", producer.invocations())
                .put("failedInvocations", producer.failures()).put("coldStarts", producer.coldStarts())
                .put("meanInvocationMs", round(producer.meanInvocationMillis()));
        // Packing as sent: the intents the consumers took in over the messages (stream records) that carried them.
        producerNode.put("messages", messages);
        producerNode.put("intentsPerMessage", messages == 0 ? 0 : round(last.intents() / (double) messages));
        if (drainSchedule != null) {
            producerNode.put("scheduleSeconds", options.drainSchedule().toMillis() / 1000.0);
            producerNode.put("scheduledInvocations", drainSchedule.fired());
            producerNode.put("mostInvocationsAtOnce", producer.mostAtOnce());
        }
        ObjectNode sink = summary.putObject("sink");
        sink.put("writes", overall.writes());
        sink.put("writesPerSourceWrite", traffic.writes() == 0 ? 0 : round(overall.writes() / (double) traffic.writes()));
        sink.put("freshnessP50Ms", round(overall.p50Ms()));
        sink.put("freshnessP99Ms", round(overall.p99Ms()));
        sink.put("freshnessMaxMs", round(overall.maxMs()));
        // The second half of the traffic: the functions' JVMs have compiled their hot paths by then.
        sink.put("secondHalfFreshnessP50Ms", round(secondHalf.p50Ms()));
        sink.put("secondHalfFreshnessP99Ms", round(secondHalf.p99Ms()));
        summary.putObject("faults").put("seed", options.seed()).put("duplicateDeliveries", faults.duplicates())
                .put("delayedInvocations", faults.delays()).put("crashedInstances", faults.crashes());
        ObjectNode verified = summary.putObject("verification");
        verified.put("equal", verification.equal());
        verified.put("sourceRows", verification.sourceRows());
        verified.put("readModelRows", verification.sinkRows());
        verified.put("differences", verification.differences());
        verified.put("drainMillis", drainMillis);
        verification.examples().forEach(verified.putArray("examples")::add);
        return summary;
    }

    /** Readings of the functions' JVMs every this often during the traffic (and once at its end). */
    private static final Duration MEMORY_INTERVAL = Duration.ofSeconds(30);

    private static String describeFaults(RunOptions options) {
        List<String> on = new ArrayList<>();
        if (options.duplicateRate() > 0) {
            on.add("duplicate-rate " + options.duplicateRate());
        }
        if (!options.maxDelay().isZero()) {
            on.add("max-delay " + options.maxDelay().toMillis() + "ms");
        }
        if (options.crashRate() > 0) {
            on.add("crash-rate " + options.crashRate());
        }
        if (!options.faults().isEmpty()) {
            on.add(options.faults() + " after " + options.faultAfter().toSeconds() + "s for "
                    + options.faultFor().toSeconds() + "s each" + (options.faultEvery().isZero() ? ""
                            : ", every " + options.faultEvery().toSeconds() + "s"));
        }
        return on.isEmpty() ? "none" : String.join(", ", on);
    }

    /** How each --fault begins and ends on this run's services. */
    private static Map<Fault, FaultSchedule.Outage> outages(RunOptions options, LocalServices services) {
        Map<Fault, FaultSchedule.Outage> outages = new EnumMap<>(Fault.class);
        for (Fault fault : options.faults()) {
            outages.put(fault, switch (fault) {
                case SOURCE_RESTART -> {
                    SourceRestart restart = SourceRestart.of(services.postgres());
                    yield outage(restart::stop, restart::start);
                }
                case LOG_OUTAGE -> {
                    OutageProxy relay = services.logProxy().orElseThrow();
                    yield outage(relay::cut, relay::restore);
                }
                case SINK_OUTAGE -> {
                    OutageProxy relay = services.sinkProxy().orElseThrow();
                    yield outage(relay::cut, relay::restore);
                }
            });
        }
        return outages;
    }

    private static FaultSchedule.Outage outage(Runnable begin, Runnable end) {
        return new FaultSchedule.Outage() {
            @Override
            public void begin() {
                begin.run();
            }

            @Override
            public void end() {
                end.run();
            }
        };
    }

    /**
     * What a long run needs to show that nothing builds up: each outage as it happened, the functions' JVM memory and
     * the freshness lag, minute by minute.
     */
    private void soak(ObjectNode summary, FaultSchedule outages, FunctionMemory memory,
            List<SinkProbe.MinuteLag> lag) {
        ObjectNode faultsNode = (ObjectNode) summary.get("faults");
        for (Fault fault : Fault.values()) {
            faultsNode.put(camel(fault), outages.count(fault));
        }
        var injected = faultsNode.putArray("outages");
        outages.injected().forEach(i -> injected.addObject().put("fault", i.fault().toString())
                .put("atSeconds", i.atSeconds()).put("lastedMs", i.lastedMillis()));
        ObjectNode soak = summary.putObject("perMinute");
        var memoryNode = soak.putArray("functionMemory");
        memory.readings().forEach(r -> memoryNode.addObject().put("atSeconds", r.atSeconds())
                .put("minute", (int) (r.atSeconds() / 60)).put("function", r.function())
                .put("environments", r.environments()).put("rssMb", r.rssMb()).put("heapUsedMb", r.heapUsedMb())
                .put("oldGenUsedMb", r.oldGenUsedMb()));
        var lagNode = soak.putArray("freshness");
        lag.forEach(m -> lagNode.addObject().put("minute", m.minute()).put("sinkWrites", m.writes())
                .put("p50Ms", round(m.p50Ms())).put("p99Ms", round(m.p99Ms())).put("maxMs", round(m.maxMs())));
    }

    /** source-restart -> sourceRestarts: the summary's counter of a fault. */
    static String camel(Fault fault) {
        String[] words = fault.toString().split("-");
        return words[0] + Character.toUpperCase(words[1].charAt(0)) + words[1].substring(1) + "s";
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void printSummary(ObjectNode s, ReadModelVerifier.Verification verification) {
        System.out.println();
        System.out.println("== summary");
        System.out.printf(Locale.ROOT, "source      %d writes (%.1f/s): %d creates, %d updates, %d cancels, %d deletes"
                + "%n", s.at("/source/writes").asLong(), s.at("/source/writesPerSecond").asDouble(),
                s.at("/source/creates").asLong(), s.at("/source/updates").asLong(), s.at("/source/cancels").asLong(),
                s.at("/source/deletes").asLong());
        System.out.printf(Locale.ROOT, "consumer    %d intents in %d batches -> %d entities (coalescing %.2f), %d "
                + "hydrations; %d records retried, %d failed invocations, %d in the DLQ%n",
                s.at("/consumer/intents").asLong(), s.at("/consumer/batches").asLong(),
                s.at("/consumer/entities").asLong(), s.at("/consumer/coalescingRatio").asDouble(),
                s.at("/consumer/hydrations").asLong(), s.at("/consumer/retriedRecords").asLong(),
                s.at("/consumer/failedInvocations").asLong(), s.at("/consumer/deadLetters").asLong());
        System.out.printf(Locale.ROOT, "delivery    %s: %s; packing %.2f intents per message (%d messages)%n",
                s.at("/delivery").asText(), s.at("/delivery").asText().equals("outbox")
                        ? String.format(Locale.ROOT, "%s invoked every %.0f s, %d invocations (at most %d at once)",
                                s.at("/producer/function").asText(), s.at("/producer/scheduleSeconds").asDouble(),
                                s.at("/producer/scheduledInvocations").asLong(),
                                s.at("/producer/mostInvocationsAtOnce").asLong())
                        : s.at("/producer/function").asText() + " invoked once per captured statement",
                s.at("/producer/intentsPerMessage").asDouble(), s.at("/producer/messages").asLong());
        System.out.printf(Locale.ROOT, "batches     size %d, window %d ms, concurrency %d: %.1f messages and %.1f intents "
                + "per consumer invocation on average (largest %d messages)%n", s.at("/consumer/batch/size").asInt(),
                s.at("/consumer/batch/windowMs").asLong(), s.at("/consumer/batch/concurrency").asInt(),
                s.at("/consumer/batch/messagesPerInvocation").asDouble(),
                s.at("/consumer/batch/intentsPerInvocation").asDouble(),
                s.at("/consumer/batch/largestInvocationMessages").asLong());
        System.out.printf(Locale.ROOT, "sink        %d writes (%.2f per source write); freshness p50 %.0f ms, p99 %.0f ms,"
                + " max %.0f ms; second half p50 %.0f ms, p99 %.0f ms%n", s.at("/sink/writes").asLong(),
                s.at("/sink/writesPerSourceWrite").asDouble(), s.at("/sink/freshnessP50Ms").asDouble(),
                s.at("/sink/freshnessP99Ms").asDouble(), s.at("/sink/freshnessMaxMs").asDouble(),
                s.at("/sink/secondHalfFreshnessP50Ms").asDouble(), s.at("/sink/secondHalfFreshnessP99Ms").asDouble());
        System.out.printf(Locale.ROOT, "functions   producer %d invocations of %.1f ms on average (%d cold starts), "
                + "consumer %.1f ms on average (%d cold starts)%n", s.at("/producer/invocations").asLong(),
                s.at("/producer/meanInvocationMs").asDouble(), s.at("/producer/coldStarts").asLong(),
                s.at("/consumer/meanInvocationMs").asDouble(), s.at("/consumer/coldStarts").asLong());
        System.out.printf(Locale.ROOT, "faults      %d duplicate deliveries, %d delayed invocations, %d crashed "
                + "instances, %d source restarts, %d log outages, %d sink outages (seed %d)%n",
                s.at("/faults/duplicateDeliveries").asLong(), s.at("/faults/delayedInvocations").asLong(),
                s.at("/faults/crashedInstances").asLong(), s.at("/faults/sourceRestarts").asLong(),
                s.at("/faults/logOutages").asLong(), s.at("/faults/sinkOutages").asLong(),
                s.at("/faults/seed").asLong());
        for (JsonNode minute : s.at("/perMinute/freshness")) {
            System.out.printf(Locale.ROOT, "minute %-4d %d sink writes, freshness p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                    + "%n", minute.path("minute").asInt(), minute.path("sinkWrites").asLong(),
                    minute.path("p50Ms").asDouble(), minute.path("p99Ms").asDouble(), minute.path("maxMs").asDouble());
        }
        for (JsonNode reading : s.at("/perMinute/functionMemory")) {
            System.out.printf(Locale.ROOT, "memory %4.0fs %s: %d environments, largest RSS %.0f MiB, heap used %.0f MiB "
                    + "(old generation %.0f MiB)%n", reading.path("atSeconds").asDouble(),
                    reading.path("function").asText(), reading.path("environments").asInt(),
                    reading.path("rssMb").asDouble(), reading.path("heapUsedMb").asDouble(),
                    reading.path("oldGenUsedMb").asDouble());
        }
        if (verification.equal()) {
            System.out.printf("verified    read model equals the source: %d rows, row by row (%d ms to drain)%n",
                    verification.sourceRows(), s.at("/verification/drainMillis").asLong());
        } else {
            System.out.printf("FAILED      read model differs from the source in %d rows (source %d rows, read model "
                    + "%d):%n", verification.differences(), verification.sourceRows(), verification.sinkRows());
            verification.examples().forEach(example -> System.out.println("            " + example));
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            AutoCloseable resource = resources.get(i);
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("stopping: " + e.getMessage());
            }
        }
        resources.clear();
    }
}
