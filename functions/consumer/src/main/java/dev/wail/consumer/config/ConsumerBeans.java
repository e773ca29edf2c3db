package dev.wail.consumer.config;

import dev.wail.consumer.dynamodb.DynamoDbHydrator;
import dev.wail.consumer.metrics.ConsumerMetrics;
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
import io.quarkus.credentials.CredentialsProvider;
import io.vertx.core.Future;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
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
    ConsumerPipeline pipeline(ConsumerConfig config, TableRegistry registry, Pool sinkPool, Vertx vertx,
            Instance<DynamoDbAsyncClient> dynamodb, DatabaseSecretCredentials secrets) {
        Map<String, Source> sources = new HashMap<>();
        Endpoints endpoints = new Endpoints(vertx, config.database().secretArn(), secrets);
        config.sources().forEach((name, source) -> sources.put(name, source(name, source, sinkPool, endpoints,
                dynamodb)));
        return new ConsumerPipeline(IntentCodec.DEFAULT, registry, sources, new PgReadModelSink(sinkPool));
    }

    /** What opening a source's pool needs besides the source's own settings. */
    private record Endpoints(Vertx vertx, Optional<String> secretArn, DatabaseSecretCredentials secrets) {
    }

    @Produces
    @Singleton
    ConsumerMetrics metrics() {
        return new ConsumerMetrics(EmfEnvironment.console(ConsumerMetrics.DEFAULT_FUNCTION_NAME));
    }

    /** The DynamoDB client is looked up only when a DynamoDB source is configured. */
    private Source source(String name, ConsumerConfig.Source source, Pool ownPool, Endpoints opener,
            Instance<DynamoDbAsyncClient> dynamodb) {
        return switch (source.kind()) {
            case POSTGRESQL -> {
                ConsumerConfig.Postgres endpoints = source.postgres();
                Pool writer = endpoints.writerUrl().map(url -> open(url, endpoints, opener)).orElse(ownPool);
                Optional<Pool> reader = endpoints.readerUrl().map(url -> open(url, endpoints, opener));
                yield new PgSource(name, writer, reader);
            }
            case DYNAMODB -> Source.alwaysCurrent(new DynamoDbHydrator(dynamodb.get(), DYNAMODB_ATTEMPTS,
                    DYNAMODB_BACKOFF));
        };
    }

    private Pool open(String url, ConsumerConfig.Postgres endpoints, Endpoints opener) {
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        endpoints.username().ifPresent(options::setUser);
        endpoints.password().ifPresent(options::setPassword);
        ClientBuilder<io.vertx.sqlclient.Pool> builder = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(endpoints.maxConnections()))
                .using(opener.vertx().getDelegate());
        Optional<String> secretArn = endpoints.password().isPresent() ? Optional.empty() : opener.secretArn();
        Pool pool = Pool.newInstance(secretArn
                .map(arn -> builder.connectingTo(() -> withSecret(options, arn, opener.secrets())))
                .orElseGet(() -> builder.connectingTo(options))
                .build());
        openedPools.add(pool);
        return pool;
    }

    /** Called for each connection the pool opens, so a rotated password reaches new connections. */
    private static Future<SqlConnectOptions> withSecret(PgConnectOptions options, String secretArn,
            DatabaseSecretCredentials secrets) {
        return Future.fromCompletionStage(secrets.getCredentialsAsync(secretArn)
                .map(credentials -> (SqlConnectOptions) new PgConnectOptions(options)
                        .setUser(credentials.get(CredentialsProvider.USER_PROPERTY_NAME))
                        .setPassword(credentials.get(CredentialsProvider.PASSWORD_PROPERTY_NAME)))
                .subscribeAsCompletionStage());
    }

    @PreDestroy
    void closePools() {
        openedPools.forEach(pool -> pool.close().await().indefinitely());
    }
}
