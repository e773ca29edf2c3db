package dev.wail.consumer.postgres;

import dev.wail.lambda.secret.DatabaseSecretCredentials;
import io.quarkus.credentials.CredentialsProvider;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import java.util.Optional;

/**
 * Connections to PostgreSQL endpoints other than through Quarkus's datasource pool: the pools of sources with their
 * own endpoints, and one-off connections closed after use. Credentials: the given user and password; without a
 * password, when a database secret is configured, the secret's user and password, asked for each time a connection
 * opens (the secret is kept for its TTL), so a rotated password reaches new connections. Every connection carries
 * the {@link SessionSettings} (timeouts, server-side keepalives) and client-side TCP keepalives.
 */
public final class PgConnector {

    /**
     * An endpoint and how to log in.
     *
     * @param url      {@code postgresql://host:port/database}
     * @param username the user, if not in the URL and not the secret's
     * @param password the password; absent: the secret's, if a secret is configured
     */
    public record Endpoint(String url, Optional<String> username, Optional<String> password) {
    }

    private final Vertx vertx;
    private final Optional<String> secretArn;
    private final DatabaseSecretCredentials secrets;
    private final SessionSettings settings;

    public PgConnector(Vertx vertx, Optional<String> secretArn, DatabaseSecretCredentials secrets,
            SessionSettings settings) {
        this.vertx = vertx;
        this.secretArn = secretArn;
        this.secrets = secrets;
        this.settings = settings;
    }

    /** A pool of at most {@code maxSize} connections; the caller closes it. */
    public Pool pool(Endpoint endpoint, int maxSize) {
        ClientBuilder<io.vertx.sqlclient.Pool> builder = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(maxSize))
                .using(vertx.getDelegate());
        PgConnectOptions options = options(endpoint);
        return Pool.newInstance(secretFor(endpoint)
                .map(arn -> builder.connectingTo(() -> withSecret(options, arn)))
                .orElseGet(() -> builder.connectingTo(options))
                .build());
    }

    /**
     * Runs {@code sql} (one or more statements) on a connection of its own, closed afterwards whatever happens: no
     * connection is left open behind, e.g. in a SnapStart snapshot.
     */
    public Uni<Void> executeOnce(Endpoint endpoint, String sql) {
        PgConnectOptions options = options(endpoint);
        Uni<SqlConnectOptions> resolved = secretFor(endpoint)
                .map(arn -> Uni.createFrom().completionStage(() -> withSecret(options, arn).toCompletionStage()))
                .orElseGet(() -> Uni.createFrom().item(options));
        return resolved.chain(o -> PgConnection.connect(vertx, new PgConnectOptions(o)))
                .chain(connection -> connection.query(sql).execute().replaceWithVoid()
                        .eventually(connection::close));
    }

    private PgConnectOptions options(Endpoint endpoint) {
        PgConnectOptions options = PgConnectOptions.fromUri(endpoint.url());
        options.setTcpKeepAlive(true);
        settings.parameters().forEach(options::addProperty);
        endpoint.username().ifPresent(options::setUser);
        endpoint.password().ifPresent(options::setPassword);
        return options;
    }

    private Optional<String> secretFor(Endpoint endpoint) {
        return endpoint.password().isPresent() ? Optional.empty() : secretArn;
    }

    private Future<SqlConnectOptions> withSecret(PgConnectOptions options, String arn) {
        return Future.fromCompletionStage(secrets.getCredentialsAsync(arn)
                .map(credentials -> (SqlConnectOptions) new PgConnectOptions(options)
                        .setUser(credentials.get(CredentialsProvider.USER_PROPERTY_NAME))
                        .setPassword(credentials.get(CredentialsProvider.PASSWORD_PROPERTY_NAME)))
                .subscribeAsCompletionStage());
    }
}
