package dev.wail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.embedded.EmbeddedSqsServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The bench's consumer loops take the batches the event source mapping would hand the function (on ElasticMQ). */
class MappingPollerTest {

    private static EmbeddedSqsServer server;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        server = EmbeddedSqsServer.start();
        sqs = server.newClient();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        server.close();
    }

    @Test
    void withoutAWindowABatchIsOneReceiveOfAtMostTheBatchSize() {
        String queue = queueWith(25);
        List<Message> batch = new MappingPoller(sqs, queue, new EventSourceMapping(10, Duration.ZERO)).nextBatch();
        assertThat(bodies(batch)).hasSize(10).allSatisfy(body -> assertThat(body).startsWith("m"));
    }

    @Test
    void aWindowGathersSeveralReceivesUpToTheBatchSize() {
        String queue = queueWith(25);
        List<Message> batch = new MappingPoller(sqs, queue, new EventSourceMapping(20, Duration.ofSeconds(5)))
                .nextBatch();
        assertThat(bodies(batch)).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void theWindowEndsABatchThatCannotFill() {
        String queue = queueWith(3);
        long start = System.nanoTime();
        List<Message> batch = new MappingPoller(sqs, queue, new EventSourceMapping(100, Duration.ofSeconds(1)))
                .nextBatch();
        assertThat(bodies(batch)).containsExactlyInAnyOrder("m0", "m1", "m2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("returned at the window's end, not later")
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
    }

    @Test
    void anEmptyQueueGivesAnEmptyBatchAfterOneLongPoll() {
        String queue = queueWith(0);
        assertThat(new MappingPoller(sqs, queue, EventSourceMapping.SHIPPED).nextBatch()).isEmpty();
    }

    private static String queueWith(int messages) {
        String queue = server.createQueue("poller-" + System.nanoTime());
        for (int from = 0; from < messages; from += 10) {
            List<SendMessageBatchRequestEntry> entries = IntStream.range(from, Math.min(messages, from + 10))
                    .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("m" + i).build())
                    .toList();
            sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        }
        return queue;
    }

    private static List<String> bodies(List<Message> batch) {
        return batch.stream().map(Message::body).toList();
    }
}
