package dev.wail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.local.DeployedDefaults;
import dev.wail.producer.config.ProducerDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark measures what a user deploys: its default wail settings are the producer's shipped defaults
 * ({@link ProducerDefaults}) and the Terraform module's event source mapping ({@link DeployedDefaults}); both are
 * checked against Terraform by {@code DeployedDefaultsTest} in {@code local/}.
 */
class ShippedDefaultsTest {

    @Test
    void theBenchRunsTheShippedProducerAndConsumerSettingsByDefault() {
        BenchMain main = new BenchMain();
        new CommandLine(main).parseArgs();
        SideBySide.Plan plan = main.plan();

        assertThat(plan.wail().intentsPerMessage()).as("bench intents per message vs ProducerDefaults")
                .isEqualTo(ProducerDefaults.intentsPerMessage());
        assertThat(plan.wail().outboxBatchRows()).as("bench outbox rows per drain vs ProducerDefaults")
                .isEqualTo(ProducerDefaults.outboxBatchRows());
        assertThat(plan.wail().mapping()).as("bench consumer batches vs EventSourceMapping.SHIPPED")
                .isEqualTo(EventSourceMapping.SHIPPED);
        assertThat(EventSourceMapping.SHIPPED).as("EventSourceMapping.SHIPPED vs DeployedDefaults").isEqualTo(
                new EventSourceMapping(DeployedDefaults.CONSUMER_SQS_BATCH_SIZE, DeployedDefaults.CONSUMER_BATCH_WINDOW));
        assertThat(plan.sweep().kinds()).as("no sweep unless asked for").isEmpty();
    }

    @Test
    void debeziumGetsWhatWailGetsWhereItCouldUseIt() {
        WailSettings wail = WailSettings.shipped(8, java.time.Duration.ofMillis(50)).withIntentsPerMessage(500);
        DebeziumSettings debezium = DebeziumSettings.fairTo(wail);

        assertThat(debezium.sinkWriters()).as("a sink as wide as wail's consumer").isEqualTo(8);
        assertThat(debezium.pollInterval()).isEqualTo(wail.idlePause());
        assertThat(debezium.maxBatchSize()).as("batches at least as big as wail's")
                .isEqualTo(Math.max(DebeziumSettings.DEFAULT_MAX_BATCH_SIZE, wail.largestBatchIntents()));
        assertThat(debezium.maxQueueSize()).isGreaterThan(debezium.maxBatchSize());
        assertThat(DebeziumSettings.fairTo(WailSettings.shipped(1, java.time.Duration.ofMillis(50))).maxBatchSize())
                .as("never below the engine's default").isEqualTo(DebeziumSettings.DEFAULT_MAX_BATCH_SIZE);
    }

    @Test
    void theDrainHasTheProducerFunctionsConnections() throws IOException {
        Path properties = Path.of("..", "functions", "producer", "src", "main", "resources", "application.properties");
        Matcher maxSize = Pattern.compile("(?m)^quarkus\\.datasource\\.reactive\\.max-size=(\\d+)$")
                .matcher(Files.readString(properties));
        assertThat(maxSize.find()).as("quarkus.datasource.reactive.max-size in %s", properties).isTrue();
        assertThat(WailPipeline.DRAIN_CONNECTIONS).as("bench drain connections vs %s", properties)
                .isEqualTo(Integer.parseInt(maxSize.group(1)));
    }
}
