package dev.wail.consumer.postgres;

import dev.wail.consumer.config.ConsumerConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/** Creates the consumer's bookkeeping tables in the sink database at start-up, unless told not to. */
@Singleton
public class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class);
    public static final String SCHEMA = "wail/consumer-schema.sql";

    void install(@Observes StartupEvent started, ConsumerConfig config, Pool sinkPool) {
        if (!config.consumer().installSchema()) {
            LOG.infof("wail.consumer.install-schema=false: expecting the tables of %s to exist", SCHEMA);
            return;
        }
        sinkPool.query(sql()).execute().await().indefinitely();
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
