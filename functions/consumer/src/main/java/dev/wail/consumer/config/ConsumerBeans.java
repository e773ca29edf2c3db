package dev.wail.consumer.config;

import dev.wail.consumer.dynamodb.DynamoDbHydrator;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.PgConnector;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
            Instance<DynamoDbAsyncClient> dynamodb, PgConnector connector) {
        Map<String, Source> sources = new HashMap<>();
        config.sources().forEach((name, source) -> sources.put(name, source(name, source, sinkPool, connector,
                dynamodb)));
        return new ConsumerPipeline(IntentCodec.DEFAULT, registry, sources, new PgReadModelSink(sinkPool));
    }

    /** Connections other than the datasource's: source endpoints, the schema installer's one-off connection. */
    @Produces
    @Singleton
    PgConnector connector(ConsumerConfig config, Vertx vertx, DatabaseSecretCredentials secrets) {
        return new PgConnector(vertx, config.database().secretArn(), secrets);
    }

    @Produces
    @Singleton
    ConsumerMetrics metrics() {
        return new ConsumerMetrics(EmfEnvironment.console(ConsumerMetrics.DEFAULT_FUNCTION_NAME));
    }

    /** The DynamoDB client is looked up only when a DynamoDB source is configured. */
    private Source source(String name, ConsumerConfig.Source source, Pool ownPool, PgConnector connector,
            Instance<DynamoDbAsyncClient> dynamodb) {
        return switch (source.kind()) {
            case POSTGRESQL -> {
                ConsumerConfig.Postgres endpoints = source.postgres();
                Pool writer = endpoints.writerUrl().map(url -> open(url, endpoints, connector)).orElse(ownPool);
                Optional<Pool> reader = endpoints.readerUrl().map(url -> open(url, endpoints, connector));
                yield new PgSource(name, writer, reader);
            }
            case DYNAMODB -> Source.alwaysCurrent(new DynamoDbHydrator(dynamodb.get(), DYNAMODB_ATTEMPTS,
                    DYNAMODB_BACKOFF));
        };
    }

    private Pool open(String url, ConsumerConfig.Postgres endpoints, PgConnector connector) {
        Pool pool = connector.pool(new PgConnector.Endpoint(url, endpoints.username(), endpoints.password()),
                endpoints.maxConnections());
        openedPools.add(pool);
        return pool;
    }

    @PreDestroy
    void closePools() {
        openedPools.forEach(pool -> pool.close().await().indefinitely());
    }
}
