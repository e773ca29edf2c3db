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
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.outbox.DrainReport;
import dev.wail.producer.outbox.OutboxDrain;
import dev.wail.testing.EmbeddedPostgresServer;
import dev.wail.testing.EmbeddedSqsServer;
import dev.wail.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * wail in-process, without Quarkus: the outbox hooks of {@code wail/hooks.sql}, one {@link OutboxDrain} loop into
 * an SQS queue on ElasticMQ, and {@code pollers} consumer loops that receive 10 messages at a time (the SQS maximum),
 * run the {@link ConsumerPipeline} on them and delete what it reports DONE, as the event source mapping would.
 */
final class WailPipeline implements Pipeline {

    private static final Logger LOG = Logger.getLogger(WailPipeline.class);
    static final TableBinding ORDERS = new TableBinding("bench", BenchSchema.SOURCE_TABLE, List.of("id"),
            BenchSchema.COLUMNS, Optional.empty(), BenchSchema.SINK_TABLE);

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedSqsServer sqsServer;
    private final int pollers;
    private final Duration idlePause;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong intentBytes = new AtomicLong();
    private final AtomicLong intents = new AtomicLong();
    private volatile boolean running;
    private EmbeddedPostgresServer.ReactivePool reactive;
    private SqsClient sqs;
    private String queueUrl;

    WailPipeline(EmbeddedPostgresServer postgres, EmbeddedSqsServer sqsServer, int pollers, Duration idlePause) {
        this.postgres = postgres;
        this.sqsServer = sqsServer;
        this.pollers = pollers;
        this.idlePause = idlePause;
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
        reactive = postgres.openReactivePool(pollers + 2);
        OutboxDrain drain = new OutboxDrain(reactive.pool(), new SqsIntentLog(sqs, queueUrl, 5,
                Duration.ofMillis(20)), 100);
        ConsumerPipeline pipeline = new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ORDERS)),
                Map.of("bench", new PgSource("bench", reactive.pool(), Optional.empty())),
                new PgReadModelSink(reactive.pool()));
        // Mutiny's context propagation initialises lazily and races when several threads start at once.
        // Warm it up on this thread with one real intent (an order every run starts with; rewriting it is harmless).
        pipeline.process(List.of(new InboundMessage("warm-up", "{\"v\":1,\"s\":\"bench\",\"t\":\""
                + BenchSchema.SOURCE_TABLE + "\",\"k\":{\"id\":1},\"o\":\"u\",\"c\":1}"))).await().indefinitely();
        running = true;
        startLoop("wail-drain", () -> drainLoop(drain));
        for (int p = 0; p < pollers; p++) {
            startLoop("wail-consumer-" + p, () -> consumeLoop(pipeline));
        }
    }

    private void startLoop(String name, Runnable loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    private void drainLoop(OutboxDrain drain) {
        while (running) {
            try {
                DrainReport report = drain.drainOnce().await().indefinitely();
                if (report.rows() == 0) {
                    LockSupport.parkNanos(idlePause.toNanos());
                }
            } catch (RuntimeException e) {
                LOG.warnf("outbox drain failed, retrying: %s", e.getMessage());
                LockSupport.parkNanos(idlePause.toNanos());
            }
        }
    }

    private void consumeLoop(ConsumerPipeline pipeline) {
        while (running) {
            try {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                        .waitTimeSeconds(1)).messages();
                if (!messages.isEmpty()) {
                    consume(pipeline, messages);
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
        intents.addAndGet(messages.size());
        BatchResult result = pipeline.process(inbound).await().indefinitely();
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
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
    }

    @Override
    public Map<String, Double> bytesPerChange() {
        long count = intents.get();
        return Map.of("intent (SQS body)", count == 0 ? 0.0 : (double) intentBytes.get() / count);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        if (reactive != null) {
            reactive.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        postgres.execute("SELECT wail.uncapture('" + BenchSchema.SOURCE_TABLE + "')");
    }
}
