package dev.wail.consumer.postgres;

import dev.wail.consumer.config.ConsumerConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Creates the consumer's bookkeeping tables in the read-model database ({@value #SCHEMA}, idempotent). It runs in the
 * deploy-time schema step ({@link dev.wail.consumer.handler.InstallSchemaHandler}, handler {@code install-schema}),
 * not when a consumer starts: the consumer only checks for the tables at its first batch ({@link ConsumerSchema}).
 * {@code wail.consumer.install-schema=true} (tests, a laptop) makes a consumer run it at start-up all the same.
 *
 * <p>It uses a connection of its own, closed afterwards, rather than one of the datasource's pool: with SnapStart the
 * application starts before the snapshot, and a pooled connection kept idle in it would be dead after a restore.
 */
@Singleton
public class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class);
    public static final String SCHEMA = "wail/consumer-schema.sql";

    /**
     * The version {@value #SCHEMA} records in {@code wail.consumer_schema}; raise both with every change of the
     * script, and {@code consumer_schema_version} in infra/consumer_schema.tf, which re-runs the step when it changes
     * (ConsumerSchemaVersionTest checks all three agree).
     */
    public static final int VERSION = 1;

    private final PgConnector connector;
    private final PgConnector.Endpoint readModel;

    public SchemaInstaller(PgConnector connector,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.connector = connector;
        this.readModel = new PgConnector.Endpoint(url, username, password);
    }

    /** Runs {@value #SCHEMA} on the read-model database, on a connection opened for it and closed afterwards. */
    public void install() {
        connector.executeOnce(readModel, sql()).await().indefinitely();
        LOG.infof("consumer schema version %d installed (%s)", VERSION, SCHEMA);
    }

    /** Only with {@code wail.consumer.install-schema=true}: a database round trip at start-up, for tests and laptops. */
    void installAtStartUp(@Observes StartupEvent started, ConsumerConfig config) {
        if (config.consumer().installSchema()) {
            install();
        }
    }

    public static String sql() {
        try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA + " is missing from the function's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
