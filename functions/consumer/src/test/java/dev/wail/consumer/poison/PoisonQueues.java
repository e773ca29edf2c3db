package dev.wail.consumer.poison;

import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.MotoServer;
import dev.wail.testing.Resources;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A consumer deployed as the Terraform module deploys it on SQS: an intent queue {@value #QUEUE} whose redrive policy
 * names the dead-letter queue {@value #DLQ} after {@value #MAX_RECEIVE_COUNT} receives, and
 * {@code wail.consumer.dead-letter-queue-url} set to that queue. The SQS API is ElasticMQ or moto_server (init
 * argument {@code backend}), the database an embedded PostgreSQL. Profiles using it turn the global test resources
 * off: it brings every service the function needs.
 */
public final class PoisonQueues implements QuarkusTestResourceLifecycleManager {

    public static final String QUEUE = "poison-intents";
    public static final String DLQ = "poison-intents-dlq";
    public static final int MAX_RECEIVE_COUNT = 3;

    private String backend;
    private EmbeddedPostgresServer postgres;
    private AutoCloseable sqsServer;

    /** The consumer on ElasticMQ. */
    public static final class OnElasticMq implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PoisonQueues.class, Map.of("backend", "elasticmq")));
        }
    }

    /** The consumer on moto_server. */
    public static final class OnMoto implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PoisonQueues.class, Map.of("backend", "moto")));
        }
    }

    @Override
    public void init(Map<String, String> initArgs) {
        backend = initArgs.get("backend");
    }

    @Override
    public Map<String, String> start() {
        postgres = EmbeddedPostgresServer.start();
        URI endpoint;
        if ("moto".equals(backend)) {
            MotoServer moto = MotoServer.start();
            sqsServer = moto;
            endpoint = moto.endpoint();
        } else {
            EmbeddedSqsServer elasticmq = EmbeddedSqsServer.start();
            sqsServer = elasticmq;
            endpoint = elasticmq.endpoint();
        }
        String dlqUrl;
        String queueUrl;
        try (SqsClient sqs = EmbeddedSqsServer.clientFor(endpoint)) {
            dlqUrl = sqs.createQueue(b -> b.queueName(DLQ)).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            queueUrl = sqs.createQueue(b -> b.queueName(QUEUE).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}")))
                    .queueUrl();
        }
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "quarkus.datasource.username", EmbeddedPostgresServer.USER,
                "quarkus.sqs.endpoint-override", endpoint.toString(),
                "wail.consumer.dead-letter-queue-url", dlqUrl,
                "wail.consumer.max-receive-count", Integer.toString(MAX_RECEIVE_COUNT),
                "test.wail.jdbc-url", postgres.jdbcUrl(),
                "test.wail.sqs-endpoint", endpoint.toString(),
                "test.poison.queue-url", queueUrl,
                // The consumer's tests configure a DynamoDB source in application.properties; it is not used here.
                "test.wail.dynamodb-endpoint", "http://127.0.0.1:1");
    }

    @Override
    public void stop() {
        Resources.closeInOrder(sqsServer, postgres);
    }
}
