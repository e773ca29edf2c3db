package dev.wail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.producer.config.ProducerDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark measures what a user deploys: its default wail settings are the producer's shipped defaults
 * ({@link ProducerDefaults}) and the Terraform module's event source mapping, and those agree with
 * {@code infra/variables.tf}. When one of them changes alone, this fails and names the two values.
 */
class ShippedDefaultsTest {

    private static final Path VARIABLES = Path.of("..", "infra", "variables.tf");
    private static final Path CONSUMER_TF = Path.of("..", "infra", "consumer.tf");

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
        assertThat(plan.sweep().kinds()).as("no sweep unless asked for").isEmpty();
    }

    @Test
    void theTerraformModuleShipsTheSameProducerDefaults() throws IOException {
        String tf = variables();
        assertThat(numberDefault(tf, "intent_log", "intents_per_message"))
                .as("%s intent_log.sqs.intents_per_message vs ProducerDefaults.INTENTS_PER_MESSAGE", VARIABLES)
                .isEqualTo(ProducerDefaults.intentsPerMessage());
        assertThat(numberDefault(tf, "producer", "batch_rows"))
                .as("%s producer.outbox_drain.batch_rows vs ProducerDefaults.OUTBOX_BATCH_ROWS", VARIABLES)
                .isEqualTo(ProducerDefaults.outboxBatchRows());
    }

    @Test
    void theTerraformModuleShipsTheEventSourceMappingTheBenchUses() throws IOException {
        String tf = variables();
        // consumer.batch_size is null by default: consumer.tf picks the default per log type (SQS, then Kinesis).
        Matcher sqsDefault = Pattern.compile("consumer_batch_size\\s*=\\s*coalesce\\(var\\.consumer\\.batch_size,"
                + "\\s*local\\.use_sqs\\s*\\?\\s*(\\d+)\\s*:").matcher(Files.readString(CONSUMER_TF));
        assertThat(sqsDefault.find()).as("the SQS batch size default in %s", CONSUMER_TF).isTrue();
        assertThat(Integer.parseInt(sqsDefault.group(1)))
                .as("%s consumer.batch_size on SQS vs EventSourceMapping.SHIPPED", CONSUMER_TF)
                .isEqualTo(EventSourceMapping.SHIPPED.batchSize());
        assertThat(numberDefault(tf, "consumer", "maximum_batching_window_in_seconds"))
                .as("%s consumer.maximum_batching_window_in_seconds vs EventSourceMapping.SHIPPED", VARIABLES)
                .isEqualTo((int) EventSourceMapping.SHIPPED.batchingWindow().toSeconds());
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

    private static String variables() throws IOException {
        assertThat(VARIABLES).as("the Terraform module's variables, from the bench module's directory").exists();
        return Files.readString(VARIABLES);
    }

    /** The one {@code attribute = optional(number, N)} default inside {@code variable "name" { ... }}. */
    static int numberDefault(String tf, String variable, String attribute) {
        int start = tf.indexOf("variable \"" + variable + "\" {");
        assertThat(start).as("variable %s in %s", variable, VARIABLES).isNotNegative();
        int end = tf.indexOf("\nvariable \"", start + 1);
        String block = tf.substring(start, end < 0 ? tf.length() : end);
        Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(attribute)
                + "\\s*=\\s*optional\\(number,\\s*(\\d+)\\)").matcher(block);
        List<Integer> defaults = new ArrayList<>();
        while (matcher.find()) {
            defaults.add(Integer.parseInt(matcher.group(1)));
        }
        assertThat(defaults).as("defaults of %s in variable %s of %s", attribute, variable, VARIABLES).hasSize(1);
        return defaults.get(0);
    }
}
