package dev.wail.consumer.config;

import dev.wail.consumer.dynamodb.DynamoDbHydrator;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.PgConnector;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SessionSettings;
import dev.wail.consumer.postgres.SqlIdentifiers;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.Source;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TableRegistry;
import dev.wail.core.wire.IntentCodec;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.lambda.secret.DatabaseSecretCredentials;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** Wires the core pipeline to its sources and to the PostgreSQL read model, from configuration. */
@Singleton
public class ConsumerBeans {

    /** BatchGetItem attempts for keys DynamoDB left unprocessed, and the first backoff ceiling (doubling, jittered). */
    private static final int DYNAMODB_ATTEMPTS = 4;
    private static final Duration DYNAMODB_BACKOFF = Duration.ofMillis(50);

    /** Pools this class opened for source endpoints (the consumer's own datasource is Quarkus's to close). */
    private final List<Pool> openedPools = new ArrayList<>();

    @Produces
    @Singleton
    TableRegistry tableRegistry(ConsumerConfig config) {
        List<TableBinding> tables = new ArrayList<>();
        config.sources().forEach((source, sourceConfig) -> sourceConfig.tables().forEach((table, t) -> {
            TableBinding binding = new TableBinding(source, table, t.keyColumns(), t.columns(), t.versionColumn(),
                    t.sinkTable());
            SqlIdentifiers.validate(binding, sourceConfig.kind() == ConsumerConfig.Kind.POSTGRESQL);
            tables.add(binding);
        }));
        return new TableRegistry(tables);
    }

    @Produces
    @Singleton
    ConsumerPipeline pipeline(ConsumerConfig config, TableRegistry registry, Pool sinkPool,
            Instance<DynamoDbAsyncClient> dynamodb, PgConnector connector, ConsumerMetrics metrics,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String ownUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> ownUsername,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> ownPassword) {
        PgConnector.Endpoint own = new PgConnector.Endpoint(ownUrl, ownUsername, ownPassword);
        Map<String, Source> sources = new HashMap<>();
        config.sources().forEach((name, source) -> sources.put(name, source(name, source, own, connector,
                dynamodb, metrics)));
        return new ConsumerPipeline(IntentCodec.DEFAULT, registry, sources, new PgReadModelSink(sinkPool, metrics),
                Clock.systemUTC(), config.consumer().maxEntitiesPerRefresh());
    }

    /** Connections other than the datasource's: source endpoints, the schema installer's one-off connection. */
    @Produces
    @Singleton
    PgConnector connector(ConsumerConfig config, Vertx vertx, DatabaseSecretCredentials secrets) {
        return new PgConnector(vertx, config.database().secretArn(), secrets, sessionSettings(config));
    }

    /**
     * The limits of every connection, checked at start-up. The datasource's own pool (the sink) gets the same values
     * through {@code quarkus.datasource.reactive.additional-properties} in application.properties.
     */
    static SessionSettings sessionSettings(ConsumerConfig config) {
        ConsumerConfig.Consumer consumer = config.consumer();
        return new SessionSettings(
                SessionSettings.parse("wail.consumer.statement-timeout", consumer.statementTimeout()),
                SessionSettings.parse("wail.consumer.lock-timeout", consumer.lockTimeout()),
                SessionSettings.parse("wail.consumer.idle-in-transaction-timeout",
                        consumer.idleInTransactionTimeout()),
                SessionSettings.parse("wail.consumer.tcp-keepalive-idle", consumer.tcpKeepaliveIdle()));
    }

    @Produces
    @Singleton
    ConsumerMetrics metrics() {
        return new ConsumerMetrics(EmfEnvironment.console(ConsumerMetrics.DEFAULT_FUNCTION_NAME));
    }

    /**
     * The DynamoDB client is looked up only when a DynamoDB source is configured. A PostgreSQL source without a
     * {@code writer-url} reads the consumer's own database, through a pool of its own: were the reads to share the
     * sink's pool, a batch with as many tables as the pool has connections would hold every connection in sink
     * transactions, each waiting for one more to read its source.
     */
    private Source source(String name, ConsumerConfig.SourceSettings source, PgConnector.Endpoint own,
            PgConnector connector, Instance<DynamoDbAsyncClient> dynamodb, ConsumerMetrics metrics) {
        return switch (source.kind()) {
            case POSTGRESQL -> {
                ConsumerConfig.Postgres endpoints = source.postgres();
                Pool writer = endpoints.writerUrl().map(url -> open(url, endpoints, connector))
                        .orElseGet(() -> open(ownDatabase(endpoints, own), endpoints.maxConnections(), connector));
                Optional<Pool> reader = endpoints.readerUrl().map(url -> open(url, endpoints, connector));
                yield new PgSource(name, writer, reader, metrics);
            }
            case DYNAMODB -> Source.alwaysCurrent(new DynamoDbHydrator(dynamodb.get(), DYNAMODB_ATTEMPTS,
                    DYNAMODB_BACKOFF));
        };
    }

    private Pool open(String url, ConsumerConfig.Postgres endpoints, PgConnector connector) {
        return open(new PgConnector.Endpoint(url, endpoints.username(), endpoints.password()),
                endpoints.maxConnections(), connector);
    }

    /** The consumer's own database, as the source's user when the source names one, else as the datasource's. */
    private static PgConnector.Endpoint ownDatabase(ConsumerConfig.Postgres endpoints, PgConnector.Endpoint own) {
        return endpoints.username().isPresent() || endpoints.password().isPresent()
                ? new PgConnector.Endpoint(own.url(), endpoints.username(), endpoints.password())
                : own;
    }

    private Pool open(PgConnector.Endpoint endpoint, int maxConnections, PgConnector connector) {
        Pool pool = connector.pool(endpoint, maxConnections);
        openedPools.add(pool);
        return pool;
    }

    @PreDestroy
    void closePools() {
        openedPools.forEach(pool -> pool.close().await().indefinitely());
    }
}
