package dev.wail.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wail.local.lambda.FunctionPool;
import dev.wail.local.lambda.FunctionSpec;
import dev.wail.local.lambda.RuntimeClient;
import dev.wail.local.mapping.Faults;
import dev.wail.local.mapping.KinesisEventSourceMapping;
import dev.wail.local.mapping.MappingStats;
import dev.wail.local.mapping.SqsEventSourceMapping;
import dev.wail.local.observe.Backlog;
import dev.wail.local.observe.EmfTally;
import dev.wail.local.observe.FunctionLogs;
import dev.wail.local.observe.Gauges;
import dev.wail.local.observe.ProgressDisplay;
import dev.wail.local.observe.ReadModelVerifier;
import dev.wail.local.observe.SinkProbe;
import dev.wail.local.traffic.OrderTraffic;
import dev.wail.producer.local.InvokeOutcome;
import dev.wail.producer.local.LambdaInvokeEmulator;
import dev.wail.testing.LocalAws;
import dev.wail.testing.TestData;
import io.quarkus.runtime.QuarkusApplication;
import dev.wail.testing.EmbeddedPostgresServer;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The main job: order traffic on the shop's table, captured by wail's hooks, through the producer function into the
 * intent log, through the consumer function into the read model; live progress; then the read model is verified
 * against the source row by row and a summary printed (and written to {@code summary.json}).
 */
public class LocalPipeline implements QuarkusApplication {

    static final String PRODUCER = "wail-shop-aurora-hook";
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
        installSchemas(services);
        Path workDir = options.workDir().toAbsolutePath();
        RuntimeClient runtime = RuntimeClient.prepare(Path.of("local", "target", "lambda-runtime"), workDir);
        EmfTally tally = new EmfTally();
        Faults faults = new Faults(options.duplicateRate(), options.maxDelay(), options.crashRate());
        List<AutoCloseable> resources = new ArrayList<>();
        try (FunctionLogs producerLogs = new FunctionLogs(workDir.resolve("logs"), PRODUCER, tally);
                FunctionLogs consumerLogs = new FunctionLogs(workDir.resolve("logs"), CONSUMER, tally);
                FunctionPool producer = new FunctionPool(producerSpec(options, services, workDir),
                        options.producerConcurrency(), runtime, producerLogs.sink());
                FunctionPool consumer = new FunctionPool(consumerSpec(options, services, workDir),
                        options.concurrency(), runtime, consumerLogs.sink());
                SinkProbe sink = new SinkProbe(services.jdbcUrl(LocalServices.SINK_DATABASE))) {
            System.out.printf("wail local pipeline: starting %d producer and %d consumer instances (java21 runtime "
                    + "emulation)...%n", options.producerConcurrency(), options.concurrency());
            Duration warmUp = producer.warm(options.producerConcurrency()).plus(consumer.warm(options.concurrency()));
            System.out.printf("wail local pipeline: instances ready in %.1f s%n", warmUp.toMillis() / 1000.0);
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
            MappingStats[] stats = new MappingStats[1];
            resources.add(startMapping(options, services, consumer, faults, stats));
            OrderTraffic traffic = new OrderTraffic(sessions, options.rate(), options.clients(), options.skew());
            Gauges.Reader gauges = new Gauges.Reader(traffic::writes, tally, sink,
                    () -> stats[0].retriedRecords(), () -> deadLetters(options, services, stats[0]));
            ReadModelVerifier verifier = new ReadModelVerifier(services.jdbcUrl(LocalServices.SOURCE_DATABASE),
                    services.jdbcUrl(LocalServices.SINK_DATABASE));
            System.out.printf("wail local pipeline: %s, %d writes/s for %ds, consumer concurrency %d, batch %d; "
                    + "function logs in %s%n", options.log(), options.rate(), options.duration().toSeconds(),
                    options.concurrency(), options.batchSize(), workDir.resolve("logs"));
            ReadModelVerifier.Verification verification;
            long drainMillis;
            Instant secondHalf = Instant.now().plus(options.duration().dividedBy(2));
            try (ProgressDisplay progress = options.progressBar() ? ProgressDisplay.bar(gauges, options.duration())
                    : ProgressDisplay.lines(gauges, options.progressInterval(), System.out)) {
                traffic.run(options.duration());
                progress.phase("drain");
                long drainStart = System.nanoTime();
                try (SqsClient sqs = services.sqsClient()) {
                    verification = awaitConvergence(verifier, backlog(options, services, tally, sqs),
                            options.drainTimeout());
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
                    faults, producer, consumer);
            Files.createDirectories(workDir);
            json.writerWithDefaultPrettyPrinter().writeValue(workDir.resolve("summary.json").toFile(), summary);
            printSummary(summary, verification);
            return verification.equal() ? 0 : 1;
        } finally {
            closeAll(resources);
        }
    }

    private static void installSchemas(LocalServices services) {
        String source = services.jdbcUrl(LocalServices.SOURCE_DATABASE);
        TestData.execute(source, TestData.resource("/local/shop-schema.sql"));
        TestData.execute(source, TestData.resource("/wail/hooks.sql"));
        TestData.execute(source, TestData.resource("/wail/aws_lambda_emulation.sql"));
        TestData.execute(source, "SELECT wail.capture('orders', 'shop', delivery => 'aws_lambda', function_name => '"
                + PRODUCER + "', region => '" + LocalAws.REGION + "')");
        TestData.execute(services.jdbcUrl(LocalServices.SINK_DATABASE),
                TestData.resource("/local/read-model-schema.sql"));
    }

    /** The environment the Terraform module gives the functions, pointed at the local services. */
    private static Map<String, String> commonEnvironment(LocalServices services) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", LocalAws.REGION);
        env.put("AWS_DEFAULT_REGION", LocalAws.REGION);
        services.endpoint().ifPresent(endpoint -> {
            env.put("AWS_ENDPOINT_URL", endpoint.toString());
            env.put("AWS_ACCESS_KEY_ID", System.getProperty("aws.accessKeyId"));
            env.put("AWS_SECRET_ACCESS_KEY", System.getProperty("aws.secretAccessKey"));
        });
        env.put("AWS_CBOR_DISABLED", "true");
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        return env;
    }

    private static FunctionSpec producerSpec(RunOptions options, LocalServices services, Path workDir) {
        Map<String, String> env = commonEnvironment(services);
        env.put("QUARKUS_LAMBDA_HANDLER", "aurora-hook");
        if (options.log().isSqs()) {
            env.put("WAIL_PRODUCER_LOG", "sqs");
            env.put("WAIL_PRODUCER_QUEUE_URL", services.queueUrl());
        } else {
            env.put("WAIL_PRODUCER_LOG", "kinesis");
            env.put("WAIL_PRODUCER_STREAM_NAME", options.streamName());
        }
        // No datasource: as deployed by the Terraform module, the hook handler never touches a database.
        Path taskRoot = FunctionZips.unpack(options.functionsDir(), "producer", workDir.resolve("functions"));
        return new FunctionSpec(PRODUCER, taskRoot, env, 512, options.functionTimeout());
    }

    private static FunctionSpec consumerSpec(RunOptions options, LocalServices services, Path workDir) {
        Map<String, String> env = commonEnvironment(services);
        env.put("QUARKUS_LAMBDA_HANDLER", options.log().isSqs() ? "consumer-sqs" : "consumer-kinesis");
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", services.reactiveUrl(LocalServices.SINK_DATABASE));
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
            Duration timeout) throws Exception {
        long giveUpAt = System.nanoTime() + timeout.toNanos();
        Backlog.Left left = backlog.now();
        while (!left.none() && System.nanoTime() < giveUpAt) {
            Thread.sleep(200);
            left = backlog.now();
        }
        if (!left.none()) {
            System.out.printf("wail local pipeline: after %ds, %d intents were still on the log and %d producer "
                    + "invocations waiting%n", timeout.toSeconds(), left.onTheLog(), left.pendingInvocations());
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
        return options.log().isSqs() ? Backlog.ofQueue(source, sqs, services.queueUrl())
                : Backlog.ofStream(source, tally);
    }

    private ObjectNode summary(RunOptions options, OrderTraffic traffic, Gauges last, SinkProbe.SinkWindow overall,
            SinkProbe.SinkWindow secondHalf, ReadModelVerifier.Verification verification, long drainMillis, MappingStats stats, Faults faults,
            FunctionPool producer, FunctionPool consumer) {
        ObjectNode summary = json.createObjectNode();
        summary.put("log", options.log().toString());
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
        summary.putObject("producer").put("invocations", producer.invocations())
                .put("failedInvocations", producer.failures()).put("coldStarts", producer.coldStarts())
                .put("meanInvocationMs", round(producer.meanInvocationMillis()));
        ObjectNode sink = summary.putObject("sink");
        sink.put("writes", overall.writes());
        sink.put("writesPerSourceWrite", traffic.writes() == 0 ? 0 : round(overall.writes() / (double) traffic.writes()));
        sink.put("freshnessP50Ms", round(overall.p50Ms()));
        sink.put("freshnessP99Ms", round(overall.p99Ms()));
        sink.put("freshnessMaxMs", round(overall.maxMs()));
        // The second half of the traffic: the functions' JVMs have compiled their hot paths by then.
        sink.put("secondHalfFreshnessP50Ms", round(secondHalf.p50Ms()));
        sink.put("secondHalfFreshnessP99Ms", round(secondHalf.p99Ms()));
        summary.putObject("faults").put("duplicateDeliveries", faults.duplicates()).put("delayedInvocations",
                faults.delays()).put("crashedInstances", faults.crashes());
        ObjectNode verified = summary.putObject("verification");
        verified.put("equal", verification.equal());
        verified.put("sourceRows", verification.sourceRows());
        verified.put("readModelRows", verification.sinkRows());
        verified.put("differences", verification.differences());
        verified.put("drainMillis", drainMillis);
        verification.examples().forEach(verified.putArray("examples")::add);
        return summary;
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
                + "instances%n", s.at("/faults/duplicateDeliveries").asLong(),
                s.at("/faults/delayedInvocations").asLong(), s.at("/faults/crashedInstances").asLong());
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
