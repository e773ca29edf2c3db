package dev.wail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness keeps working: each pipeline, live, takes a few seconds of the order workload at a tiny rate and its
 * read model ends equal to the source, row by row, deletes included. Asserts convergence, never speed.
 */
class SmokeTest {

    private static final Workload TINY = new Workload(20, 4, 2, 0.3, 0.1, 0.8, 20, 50, 200);
    /** The shipped settings with 2 consumer loops (so Debezium's sink has 2 writers: the parallel path runs). */
    private static final WailSettings SETTINGS = WailSettings.shipped(2, Duration.ofMillis(50));
    private static final String SOURCE_ROWS =
            "SELECT coalesce(string_agg(to_jsonb(o)::text, E'\\n' ORDER BY id), '') FROM bench.orders o";
    private static final String SINK_ROWS =
            "SELECT coalesce(string_agg(to_jsonb(o)::text, E'\\n' ORDER BY id), '') FROM read_model.orders o";

    private static EmbeddedPostgresServer postgres;
    private static EmbeddedSqsServer sqs;

    @BeforeAll
    static void startServices() {
        postgres = EmbeddedPostgresServer.start();
        sqs = EmbeddedSqsServer.start();
        postgres.execute(SchemaInstaller.sql());
        Probe.prepareServer(postgres);
    }

    @AfterAll
    static void stopServices() throws Exception {
        sqs.close();
        postgres.close();
    }

    @Test
    void wailConvergesRowByRow() throws Exception {
        assertConverges(new WailPipeline(postgres, sqs, SETTINGS));
    }

    @Test
    void debeziumConvergesRowByRow() throws Exception {
        assertConverges(new DebeziumPipeline(postgres, DebeziumSettings.fairTo(SETTINGS)));
    }

    /**
     * With packing, the bytes per change on the log are per intent, not per message: one statement's 100 keys leave
     * the outbox as one row, travel as two messages of 50, and cost an intent's size each (about 100 bytes).
     */
    @Test
    void wailCountsIntentsNotMessagesWhenPacked() throws Exception {
        postgres.execute(BenchSchema.reset(TINY.initialRows(), TINY.rowWidth()));
        Measurement measurement = new Measurement(postgres, new OrderTraffic(postgres.jdbcUrl(), TINY),
                Duration.ofSeconds(60));
        try (WailPipeline pipeline = new WailPipeline(postgres, sqs, SETTINGS.withIntentsPerMessage(50))) {
            pipeline.start();
            postgres.execute("UPDATE bench.orders SET status = 'packed', written_at = clock_timestamp() WHERE id <= 100");

            assertThat(measurement.awaitConvergence()).as("converged").isTrue();
            assertThat(postgres.queryString("SELECT count(*) FROM read_model.orders WHERE status = 'packed'"))
                    .isEqualTo("100");
            assertThat(pipeline.bytesPerChange().values()).singleElement()
                    .satisfies(bytes -> assertThat(bytes).as("SQS body bytes per intent").isBetween(50.0, 200.0));
        }
    }

    private static void assertConverges(Pipeline pipeline) throws Exception {
        postgres.execute(BenchSchema.reset(TINY.initialRows(), TINY.rowWidth()));
        Measurement measurement = new Measurement(postgres, new OrderTraffic(postgres.jdbcUrl(), TINY),
                Duration.ofSeconds(60));
        try (pipeline) {
            pipeline.start();
            Step step = measurement.run(pipeline, TINY.rate(), TINY.seconds());

            assertThat(step.converged()).as("%s converged", pipeline.name()).isTrue();
            assertThat(step.sourceWrites()).isPositive();
            assertThat(step.sinkWrites()).as("the sink log saw the pipeline's writes").isPositive();
            assertThat(postgres.queryString("SELECT count(*) FROM bench.orders WHERE status <> 'new'"))
                    .as("updates reached the source").isNotEqualTo("0");
            assertThat(postgres.queryString(SINK_ROWS)).isEqualTo(postgres.queryString(SOURCE_ROWS));
            assertThat(pipeline.bytesPerChange().values()).allSatisfy(bytes -> assertThat(bytes).isPositive());
            assertProbeSawThePipeline(step.profile());
        }
    }

    /** The probe measured this pipeline: its stages did work, its queues were read, the writers' server processes seen. */
    private static void assertProbeSawThePipeline(Profile profile) {
        assertThat(profile.stages()).as("stages").isNotEmpty()
                .filteredOn(stage -> !stage.partOfAbove())
                .allSatisfy(stage -> assertThat(stage.calls()).as(stage.name()).isPositive());
        assertThat(profile.stages().get(0).items()).as("items through the first stage").isPositive();
        assertThat(profile.queues()).as("queues").isNotEmpty()
                .allSatisfy(queue -> assertThat(queue.series()).as(queue.name()).isNotEmpty());
        assertThat(profile.postgres()).extracting(Profile.CpuUse::group).contains(OrderTraffic.APPLICATION);
        assertThat(profile.jvm()).extracting(Profile.CpuUse::group).contains("[JIT compiler]");
        assertThat(profile.roles()).as("roles noted where the work ran").isNotEmpty();
        assertThat(profile.seconds()).isGreaterThanOrEqualTo(TINY.seconds());
    }
}
