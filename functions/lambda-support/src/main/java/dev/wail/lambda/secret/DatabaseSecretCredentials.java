package dev.wail.lambda.secret;

import io.quarkus.credentials.CredentialsProvider;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Database credentials from the Secrets Manager secret named by {@code WAIL_DATABASE_SECRET_ARN}, for Quarkus's
 * datasource ({@code quarkus.datasource.credentials-provider=<the ARN>}, with this bean's name as
 * {@code credentials-provider-name}) and for the consumer's source pools.
 *
 * <p>The reactive PostgreSQL pool asks for credentials each time it opens a connection, so the secret is kept for
 * {@code wail.database.secret-ttl} (5 minutes): a rotated password reaches new connections within that time, without
 * a call to Secrets Manager per connection. The time is wall-clock time on purpose: after a SnapStart restore, hours
 * after the snapshot, the kept value is stale at once and read again. Nothing is read before the first connection,
 * so a snapshot never holds the secret unless the application connected while it was taken.
 */
@Singleton
@Named(DatabaseSecretCredentials.NAME)
public class DatabaseSecretCredentials implements CredentialsProvider {

    /** The bean name to configure as {@code quarkus.datasource.credentials-provider-name}. */
    public static final String NAME = "wail-database-secret";

    private static final Logger LOG = Logger.getLogger(DatabaseSecretCredentials.class);

    private record Kept(DatabaseSecret secret, Instant readAt) {
    }

    private final SecretsManagerReader reader;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    @Inject
    public DatabaseSecretCredentials(@ConfigProperty(name = "wail.database.secret-ttl", defaultValue = "PT5M")
            Duration ttl) {
        this(new SecretsManagerReader(), ttl, Clock.systemUTC());
    }

    DatabaseSecretCredentials(SecretsManagerReader reader, Duration ttl, Clock clock) {
        this.reader = reader;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The secret's user, read from Secrets Manager unless read less than the TTL ago. */
    public DatabaseSecret secret(String secretArn) {
        Kept current = kept.get(secretArn);
        if (current != null && fresh(current)) {
            return current.secret();
        }
        DatabaseSecret secret = DatabaseSecret.parse(secretArn, reader.read(secretArn));
        kept.put(secretArn, new Kept(secret, clock.instant()));
        LOG.infof("read database secret %s (user %s)", secretArn, secret.username());
        return secret;
    }

    private boolean fresh(Kept current) {
        return current.readAt().plus(ttl).isAfter(clock.instant());
    }

    /** @param secretArn what {@code quarkus.datasource.credentials-provider} is set to */
    @Override
    public Map<String, String> getCredentials(String secretArn) {
        DatabaseSecret secret = secret(secretArn);
        return Map.of(USER_PROPERTY_NAME, secret.username(), PASSWORD_PROPERTY_NAME, secret.password());
    }

    /**
     * Called on a Vert.x event loop when a pool opens a connection: a kept secret is answered at once, a read from
     * Secrets Manager (a blocking HTTP call) runs on a worker thread.
     */
    @Override
    public Uni<Map<String, String>> getCredentialsAsync(String secretArn) {
        Kept current = kept.get(secretArn);
        if (current != null && fresh(current)) {
            return Uni.createFrom().item(getCredentials(secretArn));
        }
        return Uni.createFrom().item(() -> getCredentials(secretArn))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @PreDestroy
    void close() {
        reader.close();
    }
}
