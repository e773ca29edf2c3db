package dev.wail.local;

import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.LocalAws;
import dev.wail.local.faults.Fault;
import dev.wail.local.faults.OutageProxy;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The services the pipeline runs on: an embedded PostgreSQL (databases {@code shop}, the source, and
 * {@code read_model}, the sink) and the intent log, either embedded (ElasticMQ for SQS, kinesis-mock for Kinesis,
 * created here with the example's settings) or at {@code --endpoint}, where the queue or stream must already exist.
 * Everything embedded listens on 127.0.0.1 and stops when this is closed.
 */
public final class LocalServices implements AutoCloseable {

    public static final String SOURCE_DATABASE = "shop";
    public static final String SINK_DATABASE = "read_model";

    private final RunOptions options;
    private EmbeddedPostgresServer postgres;
    private EmbeddedSqsServer embeddedSqs;
    private EmbeddedKinesisServer embeddedKinesis;
    private URI endpoint;
    private String queueUrl;
    private String dlqUrl;
    /** Relays a --fault can cut: the producer's way to the log, the consumer's way to the read model. */
    private OutageProxy logProxy;
    private OutageProxy sinkProxy;

    private LocalServices(RunOptions options) {
        this.options = options;
    }

    public static LocalServices start(RunOptions options) {
        LocalServices services = new LocalServices(options);
        try {
            services.startPostgres();
            services.startLog();
            services.startOutageProxies();
            return services;
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    private void startPostgres() {
        postgres = EmbeddedPostgresServer.start();
        postgres.execute("CREATE DATABASE " + SOURCE_DATABASE);
        postgres.execute("CREATE DATABASE " + SINK_DATABASE);
    }

    private void startLog() {
        Optional<String> external = options.endpoint();
        if (options.log().isSqs()) {
            if (external.isEmpty()) {
                embeddedSqs = EmbeddedSqsServer.start();
                endpoint = embeddedSqs.endpoint();
                createQueues();
            } else {
                endpoint = external.get().equals("aws") ? null : URI.create(external.get());
                findQueues();
            }
        } else if (external.isEmpty()) {
            embeddedKinesis = EmbeddedKinesisServer.start();
            endpoint = embeddedKinesis.endpoint();
            // One shard per consumer poller: Lambda runs one batch per shard at a time.
            embeddedKinesis.createStream(options.streamName(), options.concurrency());
        } else {
            endpoint = external.get().equals("aws") ? null : URI.create(external.get());
            try (KinesisClient kinesis = kinesisClient()) {
                kinesis.describeStreamSummary(b -> b.streamName(options.streamName()));
            }
        }
    }

    private void startOutageProxies() {
        if (options.faults().contains(Fault.LOG_OUTAGE)) {
            if (endpoint == null || !endpoint.getHost().matches("127\\.0\\.0\\.1|localhost")) {
                throw new IllegalStateException("--fault log-outage needs the log on this machine (embedded, or "
                        + "--endpoint http://127.0.0.1:PORT), not " + describeEndpoint());
            }
            logProxy = OutageProxy.start("log", endpoint.getPort());
        }
        if (options.faults().contains(Fault.SINK_OUTAGE)) {
            sinkProxy = OutageProxy.start("sink", postgres.port());
        }
    }

    /** The queue and its DLQ as the Terraform module makes them: redrive after maxReceiveCount receives. */
    private void createQueues() {
        String name = options.queueName();
        boolean fifo = name.endsWith(".fifo");
        String dlqName = name.replace(".fifo", "") + "-dlq" + (fifo ? ".fifo" : "");
        dlqUrl = embeddedSqs.createQueue(dlqName);
        String dlqArn = EmbeddedSqsServer.queueArn(dlqName);
        queueUrl = embeddedSqs.createQueue(name, Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(options.visibilityTimeout().toSeconds()),
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn
                        + "\",\"maxReceiveCount\":\"" + options.maxReceiveCount() + "\"}"));
    }

    /** An existing queue (from localstack/init or Terraform) and the DLQ its redrive policy names. */
    private void findQueues() {
        try (SqsClient sqs = sqsClient()) {
            queueUrl = sqs.getQueueUrl(b -> b.queueName(options.queueName())).queueUrl();
            String redrive = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY);
            if (redrive == null) {
                throw new IllegalStateException("queue " + options.queueName() + " at " + describeEndpoint()
                        + " has no redrive policy: create it with localstack/init or the Terraform module");
            }
            String dlqArn = redrive.replaceAll(".*\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            String dlqName = dlqArn.substring(dlqArn.lastIndexOf(':') + 1);
            dlqUrl = sqs.getQueueUrl(b -> b.queueName(dlqName)).queueUrl();
        }
    }

    public SqsClient sqsClient() {
        return endpoint == null ? SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build()
                : EmbeddedSqsServer.clientFor(endpoint);
    }

    public KinesisClient kinesisClient() {
        var builder = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create());
        return endpoint == null ? builder.build() : LocalAws.pointedAt(builder, endpoint).build();
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database + "?user="
                + EmbeddedPostgresServer.USER;
    }

    public String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + postgres.port() + "/" + database;
    }

    /** The intent log's endpoint; empty for the real AWS endpoints. */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** The log's endpoint as the producer function reaches it: through the relay a log-outage cuts, if any. */
    public Optional<URI> producerEndpoint() {
        return logProxy == null ? endpoint() : Optional.of(URI.create("http://127.0.0.1:" + logProxy.port()));
    }

    /** The read model's database as the consumer function reaches it: through the relay a sink-outage cuts, if any. */
    public String consumerSinkUrl() {
        return sinkProxy == null ? reactiveUrl(SINK_DATABASE)
                : "postgresql://127.0.0.1:" + sinkProxy.port() + "/" + SINK_DATABASE;
    }

    public Optional<OutageProxy> logProxy() {
        return Optional.ofNullable(logProxy);
    }

    public Optional<OutageProxy> sinkProxy() {
        return Optional.ofNullable(sinkProxy);
    }

    public String describeEndpoint() {
        return endpoint == null ? "AWS" : endpoint.toString();
    }

    public String queueUrl() {
        return queueUrl;
    }

    public String dlqUrl() {
        return dlqUrl;
    }

    public String streamArn() {
        return EmbeddedKinesisServer.streamArn(options.streamName());
    }

    /**
     * What Quarkus needs before it starts: the shop's datasource for Hibernate Reactive, and the SQS connector's
     * channel {@code intents} (the queue must exist when the connector starts).
     */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "quarkus.datasource.reactive.url", reactiveUrl(SOURCE_DATABASE),
                "quarkus.datasource.username", EmbeddedPostgresServer.USER,
                "quarkus.datasource.reactive.max-size", Integer.toString(options.clients() + 2)));
        String channel = "mp.messaging.incoming.intents.";
        if (options.log().isSqs()) {
            config.put(channel + "queue.url", queueUrl);
            config.put(channel + "region", LocalAws.REGION);
            endpoint().ifPresent(uri -> config.put(channel + "endpoint-override", uri.toString()));
        } else {
            config.put(channel + "enabled", "false");
        }
        return config;
    }

    @Override
    public void close() {
        if (logProxy != null) {
            logProxy.close();
        }
        if (sinkProxy != null) {
            sinkProxy.close();
        }
        if (embeddedSqs != null) {
            embeddedSqs.close();
        }
        if (embeddedKinesis != null) {
            embeddedKinesis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
