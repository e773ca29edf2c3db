package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.testing.RealServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Consumer instances that start together (a burst of cold starts) all install the schema at once; each must succeed.
 * Without the script's lock, concurrent {@code CREATE SCHEMA IF NOT EXISTS} fails one of them on the catalog's unique
 * index (seen first in the local pipeline, which starts four instances together).
 */
@RealServices
class SchemaInstallRaceTest {

    private final EmbeddedPostgresServer postgres;

    SchemaInstallRaceTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @RepeatedTest(3)
    void instancesStartingTogetherAllInstallTheSchema() throws Exception {
        String database = "race_" + System.nanoTime();
        postgres.execute("CREATE DATABASE " + database);
        String url = postgres.jdbcUrl().replace("/" + EmbeddedPostgresServer.DATABASE + "?", "/" + database + "?");
        int instances = 6;
        CyclicBarrier start = new CyclicBarrier(instances);
        List<CompletableFuture<Void>> installs = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            installs.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                TestData.execute(url, SchemaInstaller.sql());
            }));
        }

        CompletableFuture.allOf(installs.toArray(CompletableFuture[]::new)).join();
        assertThat(TestData.queryString(url, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                + "WHERE schemaname = 'wail'")).isEqualTo("consumer_schema,dead_letters,sink_positions,source_epochs");
    }
}
