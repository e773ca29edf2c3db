package dev.wail.consumer;

import dev.wail.testing.SecretBackedProfile;
import java.util.Map;

/** The consumer with its database credentials only in a Secrets Manager secret ({@link SecretBackedProfile}). */
public final class SecretBackedDatabase extends SecretBackedProfile {

    /**
     * The table the test writes (also for the packaged application an integration test launches, which does not have
     * the test resources' application.properties); its source {@code shop} gets an endpoint of its own (a pool the
     * consumer opens), with no credentials either.
     */
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("wail.sources.shop.postgres.writer-url", "${quarkus.datasource.reactive.url}",
                "wail.sources.shop.tables.orders.key-columns", "id",
                "wail.sources.shop.tables.orders.columns", "id,customer,status,total_cents,updated_at",
                "wail.sources.shop.tables.orders.sink-table", "read_model.orders");
    }
}
