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
 * Creates the consumer's bookkeeping tables in the sink database at start-up, unless told not to.
 *
 * <p>It uses a connection of its own, closed afterwards, rather than one of the datasource's pool: with SnapStart the
 * application starts before the snapshot, and a pooled connection kept idle in it would be dead after a restore.
 */
@Singleton
public class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class);
    public static final String SCHEMA = "wail/consumer-schema.sql";

    void install(@Observes StartupEvent started, ConsumerConfig config, PgConnector connector,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        if (!config.consumer().installSchema()) {
            LOG.infof("wail.consumer.install-schema=false: expecting the tables of %s to exist", SCHEMA);
            return;
        }
        connector.executeOnce(new PgConnector.Endpoint(url, username, password), sql()).await().indefinitely();
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
