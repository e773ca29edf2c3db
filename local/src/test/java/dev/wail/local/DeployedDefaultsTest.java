package dev.wail.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.producer.config.ProducerDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one check of the laptop tools' deployment defaults against the Terraform module: {@link DeployedDefaults} (the
 * main job's and the benchmark's) and {@link ProducerDefaults} (the producer function's) say what
 * {@code infra/variables.tf} and {@code infra/consumer.tf} deploy. When one of them changes alone, this fails and
 * names the two values.
 */
class DeployedDefaultsTest {

    private static final Path VARIABLES = Path.of("..", "infra", "variables.tf");
    private static final Path CONSUMER_TF = Path.of("..", "infra", "consumer.tf");

    @Test
    void drainScheduleIsTheModulesScheduleExpression() throws IOException {
        Matcher schedule = Pattern.compile("schedule_expression\\s*=\\s*optional\\(string,\\s*\"rate\\((\\d+) "
                + "(minute|minutes|hour|hours)\\)\"\\)").matcher(variables());

        assertThat(schedule.find()).as("producer.outbox_drain.schedule_expression in " + VARIABLES).isTrue();
        long amount = Long.parseLong(schedule.group(1));
        Duration rate = schedule.group(2).startsWith("minute") ? Duration.ofMinutes(amount) : Duration.ofHours(amount);
        assertThat(DeployedDefaults.OUTBOX_DRAIN_SCHEDULE).isEqualTo(rate);
        assertThat(RunOptions.parse().drainSchedule()).isEqualTo(rate);
    }

    @Test
    void functionTimeoutsAreTheModules() throws IOException {
        Matcher timeouts = Pattern.compile("(?m)^\\s+timeout\\s*=\\s*optional\\(number,\\s*(\\d+)\\)")
                .matcher(variables());
        List<Long> seconds = timeouts.results().map(m -> Long.parseLong(m.group(1))).toList();

        // In the order variables.tf declares them: producer.timeout, producer.outbox_drain.timeout, consumer.timeout.
        assertThat(seconds).as("the timeouts in " + VARIABLES).containsExactly(
                DeployedDefaults.FUNCTION_TIMEOUT.toSeconds(), DeployedDefaults.OUTBOX_DRAIN_TIMEOUT.toSeconds(),
                DeployedDefaults.FUNCTION_TIMEOUT.toSeconds());
        assertThat(RunOptions.parse().functionTimeout()).isEqualTo(DeployedDefaults.FUNCTION_TIMEOUT);
        assertThat(RunOptions.parse().outboxDrainTimeout()).isEqualTo(DeployedDefaults.OUTBOX_DRAIN_TIMEOUT);
    }

    @Test
    void consumerMappingIsTheModules() throws IOException {
        String tf = variables();
        // consumer.batch_size is null by default: consumer.tf picks the default per log type (SQS, then Kinesis).
        Matcher perLog = Pattern.compile("consumer_batch_size\\s*=\\s*coalesce\\(var\\.consumer\\.batch_size,"
                + "\\s*local\\.use_sqs\\s*\\?\\s*(\\d+)\\s*:\\s*(\\d+)\\)").matcher(Files.readString(CONSUMER_TF));
        assertThat(perLog.find()).as("the batch size defaults per log type in %s", CONSUMER_TF).isTrue();
        assertThat(Integer.parseInt(perLog.group(1)))
                .as("%s consumer.batch_size on SQS vs DeployedDefaults.CONSUMER_SQS_BATCH_SIZE", CONSUMER_TF)
                .isEqualTo(DeployedDefaults.CONSUMER_SQS_BATCH_SIZE);
        assertThat(Integer.parseInt(perLog.group(2)))
                .as("%s consumer.batch_size on Kinesis vs DeployedDefaults.CONSUMER_KINESIS_BATCH_SIZE", CONSUMER_TF)
                .isEqualTo(DeployedDefaults.CONSUMER_KINESIS_BATCH_SIZE);
        assertThat(numberDefault(tf, "consumer", "maximum_batching_window_in_seconds"))
                .as("%s consumer.maximum_batching_window_in_seconds vs DeployedDefaults.CONSUMER_BATCH_WINDOW",
                        VARIABLES)
                .isEqualTo((int) DeployedDefaults.CONSUMER_BATCH_WINDOW.toSeconds());
        assertThat(numberDefault(tf, "consumer", "maximum_concurrency"))
                .as("%s consumer.maximum_concurrency vs DeployedDefaults.CONSUMER_MAXIMUM_CONCURRENCY", VARIABLES)
                .isEqualTo(DeployedDefaults.CONSUMER_MAXIMUM_CONCURRENCY);
        assertThat(RunOptions.parse().batchSize()).isEqualTo(DeployedDefaults.CONSUMER_SQS_BATCH_SIZE);
        assertThat(RunOptions.parse("--log", "kinesis").batchSize())
                .isEqualTo(DeployedDefaults.CONSUMER_KINESIS_BATCH_SIZE);
        assertThat(RunOptions.parse().batchWindow()).isEqualTo(DeployedDefaults.CONSUMER_BATCH_WINDOW);
    }

    @Test
    void producerDefaultsAreTheModules() throws IOException {
        String tf = variables();
        assertThat(numberDefault(tf, "intent_log", "intents_per_message"))
                .as("%s intent_log.sqs.intents_per_message vs ProducerDefaults.INTENTS_PER_MESSAGE", VARIABLES)
                .isEqualTo(ProducerDefaults.intentsPerMessage());
        assertThat(numberDefault(tf, "producer", "batch_rows"))
                .as("%s producer.outbox_drain.batch_rows vs ProducerDefaults.OUTBOX_BATCH_ROWS", VARIABLES)
                .isEqualTo(ProducerDefaults.outboxBatchRows());
    }

    private static String variables() throws IOException {
        assertThat(VARIABLES).as("the Terraform module's variables, from the module's directory").exists();
        return Files.readString(VARIABLES);
    }

    /** The one {@code attribute = optional(number, N)} default inside {@code variable "name" { ... }}. */
    private static int numberDefault(String tf, String variable, String attribute) {
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
