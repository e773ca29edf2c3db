package dev.wail.embedded;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ, a real implementation of the SQS API, embedded in the test JVM and bound to 127.0.0.1. It accepts any
 * credentials; {@link #client()} uses dummy ones.
 */
public final class EmbeddedSqsServer implements AutoCloseable {

    public static final String REGION = LocalAws.REGION;
    public static final String ACCOUNT = LocalAws.ACCOUNT;

    private final SQSRestServer server;
    private final int port;
    private final SqsClient client;

    private EmbeddedSqsServer(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
        this.client = newClient();
    }

    public static EmbeddedSqsServer start() {
        int port = FreePorts.next();
        SQSRestServer server = SQSRestServerBuilder
                .withInterface("127.0.0.1")
                .withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT)
                .start();
        server.waitUntilStarted();
        return new EmbeddedSqsServer(server, port);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of this server; shared, closed with the server. */
    public SqsClient client() {
        return client;
    }

    /**
     * A new client of this server, with dummy credentials; the caller closes it. Interceptors see every call (a
     * {@link CallRecorder} counts them).
     */
    public SqsClient newClient(ExecutionInterceptor... interceptors) {
        return clientFor(endpoint(), interceptors);
    }

    /** A client of an SQS-compatible endpoint on this machine, with dummy credentials; the caller closes it. */
    public static SqsClient clientFor(URI endpoint, ExecutionInterceptor... interceptors) {
        return LocalAws.pointedAt(SqsClient.builder(), endpoint)
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates (or finds) a queue and returns its URL. Names ending in {@code .fifo} make FIFO queues. */
    public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        Map<QueueAttributeName, String> all = new java.util.HashMap<>(attributes);
        if (name.endsWith(".fifo")) {
            all.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return client.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
    }

    public String createQueue(String name) {
        return createQueue(name, Map.of());
    }

    public static String queueArn(String queueName) {
        return "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + queueName;
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }

}
