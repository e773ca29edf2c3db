package dev.wail.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The main job runs the outbox drain on the schedule and timeout the Terraform module deploys. */
class DeployedDefaultsTest {

    private static final Path VARIABLES = Path.of("..", "infra", "variables.tf");

    @Test
    void drainScheduleIsTheModulesScheduleExpression() throws IOException {
        Matcher schedule = Pattern.compile("schedule_expression\\s*=\\s*optional\\(string,\\s*\"rate\\((\\d+) "
                + "(minute|minutes|hour|hours)\\)\"\\)").matcher(Files.readString(VARIABLES));

        assertThat(schedule.find()).as("producer.outbox_drain.schedule_expression in " + VARIABLES).isTrue();
        long amount = Long.parseLong(schedule.group(1));
        Duration rate = schedule.group(2).startsWith("minute") ? Duration.ofMinutes(amount) : Duration.ofHours(amount);
        assertThat(DeployedDefaults.OUTBOX_DRAIN_SCHEDULE).isEqualTo(rate);
        assertThat(RunOptions.parse().drainSchedule()).isEqualTo(rate);
    }

    @Test
    void functionTimeoutsAreTheModules() throws IOException {
        Matcher timeouts = Pattern.compile("(?m)^\\s+timeout\\s*=\\s*optional\\(number,\\s*(\\d+)\\)")
                .matcher(Files.readString(VARIABLES));
        List<Long> seconds = timeouts.results().map(m -> Long.parseLong(m.group(1))).toList();

        // In the order variables.tf declares them: producer.timeout, producer.outbox_drain.timeout, consumer.timeout.
        assertThat(seconds).as("the timeouts in " + VARIABLES).containsExactly(
                DeployedDefaults.FUNCTION_TIMEOUT.toSeconds(), DeployedDefaults.OUTBOX_DRAIN_TIMEOUT.toSeconds(),
                DeployedDefaults.FUNCTION_TIMEOUT.toSeconds());
        assertThat(RunOptions.parse().functionTimeout()).isEqualTo(DeployedDefaults.FUNCTION_TIMEOUT);
    }
}
