package dev.wail.producer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.log.IntentLog;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.producer.log.KinesisIntentLog;
import dev.wail.producer.log.RetryPolicy;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.testing.CallRecorder;
import dev.wail.testing.RealServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/**
 * Does packing several intents into one SQS message pay? Counts, on ElasticMQ, the calls each side of the queue makes
 * for the same intents, packed and not, and what SQS would bill for them; the same intents through the Kinesis log
 * for comparison. A benchmark, not a test: surefire's default patterns do not pick it up, and it asserts only that
 * every intent made the round trip. Run it with
 *
 * <pre>mvn -B -ntp -q -pl functions/producer -am test -Dtest=SqsPackingBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * <p>Billing rule and prices (Amazon SQS pricing page, https://aws.amazon.com/sqs/pricing/, us-east-1): every API
 * action is a request, and "each 64 KB chunk of a payload is billed as 1 request" (a 256 KB call is 4 requests);
 * $0.40 per million requests for standard queues and $0.50 for FIFO queues, after the free tier of 1 million a month.
 * Here the payload of a call is the message bodies it carries (sent or received); a delete carries receipt handles
 * only and counts as one request.
 *
 * <p>The consumer side is simulated as Lambda's SQS poller works: receive up to 10 messages per call until all are in,
 * then delete each received batch with one DeleteMessageBatch. The empty receives a poller makes while a queue is idle
 * are not counted: they cost the same with or without packing. The last column is computed, not measured: Lambda
 * invocations with an event source mapping of batch size 10 and no batching window (one per 10 messages).
 *
 * <p>Columns, per 1,000 intents: messages sent, body bytes per intent, SendMessageBatch calls and billed requests,
 * ReceiveMessage calls and billed requests, all billed requests (send + receive + delete), their price in USD, Lambda
 * invocations.
 */
@RealServices
class SqsPackingBench {

    private static final int INTENTS = 5_000;
    /** Intents per append call: what one outbox drain batch hands the log. */
    private static final int APPEND_BATCH = 500;
    private static final int BILLING_CHUNK = 64 * 1024;
    private static final double STANDARD_PRICE = 0.40 / 1_000_000;
    private static final double FIFO_PRICE = 0.50 / 1_000_000;
    private static final Instant CAPTURED = Instant.parse("2026-11-24T10:00:00.123Z");

    private final EmbeddedSqsServer sqs;
    private final EmbeddedKinesisServer kinesis;

    SqsPackingBench(EmbeddedSqsServer sqs, EmbeddedKinesisServer kinesis) {
        this.sqs = sqs;
        this.kinesis = kinesis;
    }

    /** One intent per changed row: a bulk insert of {@link #INTENTS} rows. */
    private static List<Intent> distinctRows() {
        return IntStream.range(0, INTENTS).mapToObj(i -> intent(1_000_000 + i, i)).toList();
    }

    /** 100 hot rows, each updated {@code INTENTS / 100} times, the updates interleaved. */
    private static List<Intent> hotRows() {
        return IntStream.range(0, INTENTS).mapToObj(i -> intent(1_000_000 + i % 100, i)).toList();
    }

    private static Intent intent(long id, long change) {
        return new Intent("shop", "orders", EntityKey.of("id", id), Operation.UPDATE,
                new VersionHint.Postgres(752_345 + change, 439_041_101 + change * 120), CAPTURED);
    }

    /** What one configuration cost, per side of the queue. */
    private record Figures(String queue, String workload, int perMessage, int messages, long bodyBytes,
            int sendCalls, long sendBilled, int receiveCalls, long receiveBilled, int deleteCalls) {

        long billed() {
            return sendBilled + receiveBilled + deleteCalls;
        }

        String row() {
            double perThousand = 1_000.0 / INTENTS;
            double price = queue.equals("fifo") ? FIFO_PRICE : STANDARD_PRICE;
            return String.format("%-8s %-13s %6d %8.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %11.7f %9.1f", queue,
                    workload, perMessage, messages * perThousand, (double) bodyBytes / INTENTS, sendCalls * perThousand,
                    sendBilled * perThousand, receiveCalls * perThousand, receiveBilled * perThousand,
                    billed() * perThousand, billed() * perThousand * price, Math.ceil(messages / 10.0) * perThousand);
        }
    }

    @Test
    void measure() {
        List<Figures> all = new ArrayList<>();
        for (int perMessage : new int[] {1, 10, 100, 1_000}) {
            all.add(run("standard", "distinct rows", distinctRows(), perMessage));
        }
        for (int perMessage : new int[] {1, 10}) {
            all.add(run("fifo", "distinct rows", distinctRows(), perMessage));
            all.add(run("fifo", "100 hot rows", hotRows(), perMessage));
        }
        System.out.printf("%n%d intents per configuration, appended %d at a time; figures per 1,000 intents%n",
                INTENTS, APPEND_BATCH);
        System.out.printf("%-8s %-13s %6s %8s %9s %9s %9s %9s %9s %9s %11s %9s%n", "queue", "workload", "per msg",
                "messages", "B/intent", "send", "send$req", "receive", "recv$req", "billed", "USD", "lambda@10");
        all.forEach(f -> System.out.println(f.row()));
        measureKinesis(distinctRows());
    }

    private Figures run(String queueKind, String workload, List<Intent> intents, int perMessage) {
        String name = "bench-" + workload.replace(' ', '-') + "-" + perMessage + (queueKind.equals("fifo") ? ".fifo" : "");
        String queue = sqs.createQueue(name);
        CallRecorder producerCalls = new CallRecorder();
        try (SqsClient producer = sqs.newClient(producerCalls)) {
            appendInBatches(new SqsIntentLog(producer, queue, new RetryPolicy(4, Duration.ofMillis(10)), perMessage),
                    intents);
        }
        List<SendMessageBatchRequest> sends = producerCalls.requests(SendMessageBatchRequest.class);
        int messages = sends.stream().mapToInt(r -> r.entries().size()).sum();
        long bodyBytes = sends.stream().flatMap(r -> r.entries().stream()).mapToLong(e -> bytes(e.messageBody())).sum();
        long sendBilled = sends.stream().mapToLong(r -> billed(r.entries().stream()
                .mapToLong(e -> bytes(e.messageBody())).sum())).sum();
        return consume(queueKind, workload, perMessage, queue, intents, messages, bodyBytes, sends.size(), sendBilled);
    }

    private Figures consume(String queueKind, String workload, int perMessage, String queue, List<Intent> sent,
            int messages, long bodyBytes, int sendCalls, long sendBilled) {
        int receiveCalls = 0;
        int deleteCalls = 0;
        long receiveBilled = 0;
        List<Intent> received = new ArrayList<>();
        SqsClient consumer = sqs.client();
        for (int got = 0; got < messages; ) {
            ReceiveMessageResponse batch = consumer.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10));
            receiveCalls++;
            List<Message> polled = batch.messages();
            if (polled.isEmpty()) {
                continue;
            }
            got += polled.size();
            receiveBilled += billed(polled.stream().mapToLong(m -> bytes(m.body())).sum());
            polled.forEach(m -> received.addAll(IntentCodec.DEFAULT.decodeAll(m.body())));
            List<DeleteMessageBatchRequestEntry> deletes = polled.stream().map(m -> DeleteMessageBatchRequestEntry
                    .builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build()).toList();
            consumer.deleteMessageBatch(b -> b.queueUrl(queue).entries(deletes));
            deleteCalls++;
        }
        // FIFO deduplicates identical intents sent again; these workloads have none, so every intent comes back.
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        return new Figures(queueKind, workload, perMessage, messages, bodyBytes, sendCalls, sendBilled, receiveCalls,
                receiveBilled, deleteCalls);
    }

    private void measureKinesis(List<Intent> intents) {
        kinesis.createStream("bench-intents", 4);
        CallRecorder calls = new CallRecorder();
        try (KinesisClient client = kinesis.newClient(calls)) {
            IntentLog log = new KinesisIntentLog(client, "bench-intents", new RetryPolicy(4, Duration.ofMillis(10)));
            appendInBatches(log, intents);
        }
        List<PutRecordsRequest> puts = calls.requests(PutRecordsRequest.class);
        long recordBytes = puts.stream().flatMap(r -> r.records().stream()).mapToLong(KinesisIntentLog::bytes).sum();
        System.out.printf("%nKinesis: %.1f bytes per record (data + partition key); %.1f PutRecords calls per 1,000"
                + " intents%n", (double) recordBytes / INTENTS, puts.size() * 1_000.0 / INTENTS);
        assertThat(kinesis.records("bench-intents")).hasSize(INTENTS);
    }

    /**
     * CPU time per intent on each side of a standard queue, at several packings: the producer's append (encode, pack,
     * SendMessageBatch) and the consumer's receive, decode and DeleteMessageBatch, each measured as the CPU time of the
     * calling thread (ElasticMQ's own threads are not counted). Every packing runs twice, the first run a warm-up;
     * {@code 0} packs by bytes only (256 KiB per message). Run it with {@code -Dtest=SqsPackingBench#cpuPerIntent}.
     */
    @Test
    void cpuPerIntent() {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        int[] packings = {1, 10, 50, 100, 250, 0};
        List<String> rows = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int perMessage : packings) {
                int packing = perMessage == 0 ? Integer.MAX_VALUE : perMessage;
                String queue = sqs.createQueue("cpu-" + round + "-" + perMessage);
                List<Intent> intents = distinctRows();
                long start = cpu.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                appendInBatches(new SqsIntentLog(sqs.client(), queue, new RetryPolicy(4, Duration.ofMillis(10)),
                        packing), intents);
                long producerCpu = cpu.getCurrentThreadCpuTime() - start;
                long producerWall = System.nanoTime() - wall;
                start = cpu.getCurrentThreadCpuTime();
                wall = System.nanoTime();
                int received = 0;
                int receives = 0;
                while (received < intents.size()) {
                    List<Message> polled = sqs.client().receiveMessage(b -> b.queueUrl(queue)
                            .maxNumberOfMessages(10)).messages();
                    receives++;
                    for (Message m : polled) {
                        received += IntentCodec.DEFAULT.decodeAll(m.body()).size();
                    }
                    if (!polled.isEmpty()) {
                        sqs.client().deleteMessageBatch(b -> b.queueUrl(queue).entries(polled.stream()
                                .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                                        .receiptHandle(m.receiptHandle()).build()).toList()));
                    }
                }
                long consumerCpu = cpu.getCurrentThreadCpuTime() - start;
                long consumerWall = System.nanoTime() - wall;
                assertThat(received).isEqualTo(intents.size());
                if (round == 1) {
                    rows.add(String.format("%9s %12.1f %12.1f %12.1f %12.1f %9d", perMessage == 0 ? "256 KiB" :
                            Integer.toString(perMessage), producerCpu / 1e3 / intents.size(),
                            producerWall / 1e3 / intents.size(), consumerCpu / 1e3 / intents.size(),
                            consumerWall / 1e3 / intents.size(), receives));
                }
            }
        }
        System.out.printf("%n%d intents, appended %d at a time; microseconds per intent (client thread)%n", INTENTS,
                APPEND_BATCH);
        System.out.printf("%9s %12s %12s %12s %12s %9s%n", "per msg", "prod cpu", "prod wall", "cons cpu",
                "cons wall", "receives");
        rows.forEach(System.out::println);
    }

    private static void appendInBatches(IntentLog log, List<Intent> intents) {
        for (int from = 0; from < intents.size(); from += APPEND_BATCH) {
            assertThat(log.append(intents.subList(from, Math.min(from + APPEND_BATCH, intents.size()))).accepted())
                    .isTrue();
        }
    }

    private static long billed(long payloadBytes) {
        return Math.max(1, (payloadBytes + BILLING_CHUNK - 1) / BILLING_CHUNK);
    }

    private static long bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
