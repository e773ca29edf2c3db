package dev.wail.bench;

import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TableRegistry;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.producer.config.ProducerDefaults;
import dev.wail.producer.log.RetryPolicy;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.outbox.DrainObserver;
import dev.wail.producer.outbox.OutboxDrain;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * wail in-process, without Quarkus: the outbox hooks of {@code wail/hooks.sql}, one {@link OutboxDrain} loop into
 * an SQS queue on ElasticMQ packing intents as the producer does, and consumer loops that each take a batch the way
 * the event source mapping does ({@link MappingPoller}), run the {@link ConsumerPipeline} on it and delete what it
 * reports DONE. Every setting comes from {@link WailSettings}, by default the shipped ones.
 */
final class WailPipeline implements Pipeline {

    private static final Logger LOG = Logger.getLogger(WailPipeline.class);
    static final TableBinding ORDERS = new TableBinding("bench", BenchSchema.SOURCE_TABLE, List.of("id"),
            BenchSchema.COLUMNS, Optional.empty(), BenchSchema.SINK_TABLE);

    /**
     * The deadline of one {@code drainUntil} call, which polls until it as a scheduled invocation does: short, so that
     * {@link #close()} stops the loop soon.
     */
    private static final Duration DRAIN_INVOCATION = Duration.ofSeconds(1);
    /**
     * The producer function's database pool ({@code quarkus.datasource.reactive.max-size} in its
     * {@code application.properties}; {@code ShippedDefaultsTest} checks): a drain with several transactions in
     * flight holds one connection each.
     */
    static final int DRAIN_CONNECTIONS = 4;
    /** The producer function's retry defaults ({@code ProducerConfig}: 4 attempts, 50 ms); ElasticMQ never throttles. */
    private static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofMillis(50));

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedSqsServer sqsServer;
    private final WailSettings settings;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong intentBytes = new AtomicLong();
    private final AtomicLong intents = new AtomicLong();
    private static final String DRAIN = "outbox drain: transactions (lock rows, send, delete), rows";
    private static final String SEND = "  of which SendMessageBatch calls (SqsIntentLog, packed), intents";
    private static final String LOOP = "consumer loop: gather a batch (when full), pipeline, delete, messages";
    private static final String RECEIVE = "  of which gathering the batches that filled (no wait), messages";
    private static final String PROCESS = "  of which the consumer pipeline (decode, coalesce, hydrate, write), intents";
    private static final String DELETE = "  of which DeleteMessageBatch calls (10 each) of the DONE, messages";
    private final StageClock clock = new StageClock();
    private final ThreadRoles roles = new ThreadRoles(Map.of(
            "elasticmq-pekko.actor.default-dispatcher-*", "ElasticMQ, the SQS emulator, in this JVM",
            "elasticmq-pekko.actor.internal-dispatcher-*", "ElasticMQ, the SQS emulator, in this JVM",
            "elasticmq-pekko.io.pinned-dispatcher-*", "ElasticMQ's HTTP listener",
            "wail-drain", "server: the drain's connection (lock, read, delete outbox rows)",
            "wail-consumer", "server: the consumers' connections (hydrating reads, sink writes)",
            OrderTraffic.APPLICATION, "server: the workload's connections (wail's capture trigger runs in them)"));
    private volatile boolean running;
    private EmbeddedPostgresServer.ReactivePool drainPool;
    private EmbeddedPostgresServer.ReactivePool consumerPool;
    private SqsClient sqs;
    private String queueUrl;

    WailPipeline(EmbeddedPostgresServer postgres, EmbeddedSqsServer sqsServer, WailSettings settings) {
        this.postgres = postgres;
        this.sqsServer = sqsServer;
        this.settings = settings;
        int pollers = settings.consumerLoops();
        int inFlight = ProducerDefaults.outboxSendsInFlight();
        clock.stage(DRAIN, inFlight, false).stage(SEND, inFlight, true).stage(LOOP, pollers, false)
                .stage(RECEIVE, pollers, true).stage(PROCESS, pollers, true).stage(DELETE, pollers, true);
    }

    @Override
    public String name() {
        return "wail";
    }

    @Override
    public void start() {
        postgres.execute(TestData.resource("/wail/hooks.sql"));
        postgres.execute("SELECT wail.capture('" + BenchSchema.SOURCE_TABLE + "', source => 'bench')");
        sqs = sqsServer.newClient();
        queueUrl = sqsServer.createQueue("wail-bench-" + System.nanoTime());
        // Two pools, named, so the probe can tell the drain's server cost from the consumers'.
        drainPool = postgres.openReactivePool(DRAIN_CONNECTIONS, "wail-drain");
        consumerPool = postgres.openReactivePool(settings.consumerLoops() + 1, "wail-consumer");
        SqsIntentLog log = new SqsIntentLog(sqs, queueUrl, RETRY, settings.intentsPerMessage());
        OutboxDrain drain = new OutboxDrain(drainPool.pool(), intents -> {
            roles.note("SendMessageBatch of the drained intents (SqsIntentLog)");
            return log.append(intents);
        }, settings.outboxBatchRows(), ProducerDefaults.outboxSendsInFlight(), settings.idlePause(), this::observe);
        ConsumerPipeline pipeline = new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ORDERS)),
                Map.of("bench", new PgSource("bench", consumerPool.pool(), Optional.empty())),
                new PgReadModelSink(consumerPool.pool()));
        // Mutiny's context propagation initialises lazily and races when several threads start at once.
        // Warm it up on this thread with one real intent (an order every run starts with; rewriting it is harmless).
        pipeline.process(List.of(new InboundMessage("warm-up", "{\"v\":1,\"s\":\"bench\",\"t\":\""
                + BenchSchema.SOURCE_TABLE + "\",\"k\":{\"id\":1},\"o\":\"u\",\"c\":1}"))).await().indefinitely();
        running = true;
        startLoop("wail-drain", () -> drainLoop(drain));
        for (int p = 0; p < settings.consumerLoops(); p++) {
            MappingPoller poller = new MappingPoller(sqs, queueUrl, settings.mapping());
            startLoop("wail-consumer-" + p, () -> consumeLoop(poller, pipeline));
        }
    }

    private void startLoop(String name, Runnable loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    /**
     * The shipped drain's loop, {@code OutboxDrain.drainUntil} (its sends in flight, idle poll and "batch not full"
     * rule), one call after another while the benchmark runs, as overlapping scheduled invocations keep it polling.
     */
    private void drainLoop(OutboxDrain drain) {
        roles.note("outbox drain loop (waits on its transaction)");
        while (running) {
            try {
                drain.drainUntil(System.currentTimeMillis() + DRAIN_INVOCATION.toMillis());
            } catch (RuntimeException e) {
                LOG.warnf("outbox drain failed, retrying: %s", e.getMessage());
                LockSupport.parkNanos(settings.idlePause().toNanos());
            }
        }
    }

    /**
     * Times the drain's stages from its own report of each transaction: a transaction's wall time, and its send's.
     * An idle poll has no rows and is not counted, so the stage's busy time is time spent on rows.
     */
    private void observe(DrainObserver.Transaction transaction) {
        clock.record(DRAIN, transaction.report().rows(), transaction.startNanos(), transaction.endNanos());
        clock.record(SEND, transaction.report().intents(), 0, transaction.appendNanos());
    }

    private void consumeLoop(MappingPoller poller, ConsumerPipeline pipeline) {
        roles.note("gather a batch as the event source mapping does, run the consumer pipeline, delete DONE");
        while (running) {
            try {
                long start = System.nanoTime();
                List<Message> messages = poller.nextBatch();
                long received = System.nanoTime();
                // A long poll returns as soon as a message is there: a partial batch may have waited for work, a
                // full one found a backlog, so only a batch that filled counts as busy time.
                boolean full = messages.size() == settings.mapping().batchSize();
                if (full) {
                    clock.record(RECEIVE, messages.size(), start, received);
                }
                if (!messages.isEmpty()) {
                    consume(pipeline, messages);
                    clock.record(LOOP, messages.size(), full ? start : received);
                }
            } catch (RuntimeException e) {
                LOG.warnf("consumer loop failed, the messages will be received again: %s", e.getMessage());
            }
        }
    }

    private void consume(ConsumerPipeline pipeline, List<Message> messages) {
        List<InboundMessage> inbound = new ArrayList<>(messages.size());
        for (Message message : messages) {
            inbound.add(new InboundMessage(message.messageId(), message.body()));
            intentBytes.addAndGet(message.body().getBytes(StandardCharsets.UTF_8).length);
        }
        BatchResult result = clock.time(PROCESS, () -> pipeline.process(inbound)
                .invoke(() -> roles.note("Vert.x event loop: PostgreSQL client I/O, pipeline continuations"))
                .await().indefinitely(), BatchResult::intents);
        // Intents, not messages: a packed message carries several, and bytes per change must count each.
        intents.addAndGet(result.intents());
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            MessageOutcome outcome = result.outcomes().get(i);
            if (outcome.status() == MessageOutcome.Status.DONE) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(messages.get(i).receiptHandle()).build());
            } else {
                LOG.warnf("message %s not done (%s): %s", outcome.messageId(), outcome.status(), outcome.reason());
            }
        }
        // DeleteMessageBatch takes 10 entries at most, as SendMessageBatch does.
        for (int from = 0; from < done.size(); from += EventSourceMapping.MESSAGES_PER_RECEIVE) {
            List<DeleteMessageBatchRequestEntry> call = done.subList(from,
                    Math.min(done.size(), from + EventSourceMapping.MESSAGES_PER_RECEIVE));
            clock.time(DELETE, () -> sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(call)), r -> call.size());
        }
    }

    @Override
    public Map<String, Double> bytesPerChange() {
        long count = intents.get();
        return Map.of(String.format(java.util.Locale.ROOT, "SQS body per intent (%d per message at most)",
                settings.intentsPerMessage()), count == 0 ? 0.0 : (double) intentBytes.get() / count);
    }

    @Override
    public Map<String, Long> queueDepths(Statement sql) throws SQLException {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        Map<String, Long> depths = new LinkedHashMap<>();
        depths.put("outbox rows", Probe.number(sql, "SELECT count(*) FROM wail.outbox"));
        depths.put("SQS messages waiting", Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)));
        depths.put("SQS messages in flight", Long.parseLong(attributes.get(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
        return depths;
    }

    @Override
    public Instruments instruments() {
        return new Instruments(clock, roles);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        for (EmbeddedPostgresServer.ReactivePool pool : new EmbeddedPostgresServer.ReactivePool[] {drainPool,
            consumerPool}) {
            if (pool != null) {
                pool.close();
            }
        }
        if (sqs != null) {
            sqs.close();
        }
        postgres.execute("SELECT wail.uncapture('" + BenchSchema.SOURCE_TABLE + "')");
    }
}
