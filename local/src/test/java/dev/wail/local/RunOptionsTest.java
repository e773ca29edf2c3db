package dev.wail.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.local.faults.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RunOptions options = RunOptions.parse();

        assertThat(options.rate()).isEqualTo(50);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.log()).isEqualTo(RunOptions.LogType.SQS);
        assertThat(options.queueName()).isEqualTo("wail-shop-intents");
        assertThat(options.endpoint()).isEmpty();
        assertThat(options.delivery()).isEqualTo(RunOptions.Delivery.OUTBOX);
        assertThat(options.drainSchedule()).isEqualTo(DeployedDefaults.OUTBOX_DRAIN_SCHEDULE);
        assertThat(options.functionTimeout()).isEqualTo(DeployedDefaults.FUNCTION_TIMEOUT);
        assertThat(options.batchSize()).isEqualTo(DeployedDefaults.CONSUMER_SQS_BATCH_SIZE);
        assertThat(options.batchWindow()).isEqualTo(DeployedDefaults.CONSUMER_BATCH_WINDOW);
        assertThat(options.concurrency()).isEqualTo(DeployedDefaults.LOCAL_CONSUMER_CONCURRENCY);
    }

    @Test
    void deliveryIsChosenByItsHookName() {
        RunOptions options = RunOptions.parse("--delivery", "aws_lambda");

        assertThat(options.delivery()).isEqualTo(RunOptions.Delivery.AWS_LAMBDA);
        assertThat(options.delivery().handler()).isEqualTo("aurora-hook");
        assertThat(RunOptions.Delivery.OUTBOX.handler()).isEqualTo("outbox-drain");
        assertThat(RunOptions.parse("--test-only-drain-every", "2s").drainSchedule()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theDrainHasATimeoutOfItsOwn() {
        assertThat(RunOptions.parse().outboxDrainTimeout()).isEqualTo(DeployedDefaults.OUTBOX_DRAIN_TIMEOUT);
        RunOptions shorter = RunOptions.parse("--function-timeout", "30s");
        assertThat(shorter.functionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(shorter.outboxDrainTimeout()).as("--function-timeout leaves the drain's timeout alone")
                .isEqualTo(DeployedDefaults.OUTBOX_DRAIN_TIMEOUT);
        assertThat(RunOptions.parse("--outbox-drain-timeout", "20s").outboxDrainTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThatThrownBy(() -> RunOptions.parse("--outbox-drain-timeout", "5s"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--outbox-drain-timeout must be between 6s and 900s");
    }

    @Test
    void durationsTakeUnitsAndIso8601() {
        RunOptions options = RunOptions.parse("--duration", "2m", "--batch-window", "250ms", "--max-delay", "PT1S",
                "--visibility-timeout", "5s");

        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.batchWindow()).isEqualTo(Duration.ofMillis(250));
        assertThat(options.maxDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.visibilityTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fifoLogUsesTheFifoQueueOfTheExample() {
        RunOptions fifo = RunOptions.parse("--log", "sqs-fifo");

        assertThat(fifo.queueName()).isEqualTo("wail-shop-intents.fifo");
        assertThat(fifo.batchSize()).isLessThanOrEqualTo(DeployedDefaults.FIFO_MAX_BATCH_SIZE);
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RunOptions.parse("--duration", "ten")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'ten' is not a duration");
        assertThatThrownBy(() -> RunOptions.parse("--log", "kafka")).hasMessageContaining("'kafka' is not a log type");
        assertThatThrownBy(() -> RunOptions.parse("--crash-rate", "1")).hasMessageContaining("--crash-rate must be below 1");
        assertThatThrownBy(() -> RunOptions.parse("--rate", "0")).hasMessageContaining("--rate must be positive, got 0");
        assertThatThrownBy(() -> RunOptions.parse("--skew", "0.5")).hasMessageContaining("--skew must be at least 1");
        assertThatThrownBy(() -> RunOptions.parse("--endpoint", "localhost")).hasMessageContaining("--endpoint must be a URL");
        assertThatThrownBy(() -> RunOptions.parse("--delivery", "notify")).hasMessageContaining("'notify' is not a "
                + "delivery: use outbox or aws_lambda");
        assertThatThrownBy(() -> RunOptions.parse("--batch-size", "100", "--batch-window", "500ms"))
                .hasMessageContaining("--batch-size above 10 on SQS needs --batch-window of at least 1s (as on Lambda)");
        assertThat(RunOptions.parse("--batch-size", "100", "--batch-window", "1s").batchSize()).isEqualTo(100);
        assertThat(RunOptions.parse("--batch-size", "100", "--log", "kinesis").batchSize()).isEqualTo(100);
    }

    @Test
    void faultsAreNamedRepeatableAndTimedWithinTheTraffic() {
        RunOptions options = RunOptions.parse("--duration", "40s", "--fault", "sink-outage,source-restart",
                "--fault", "log-outage", "--fault", "sink-outage", "--seed", "5");

        assertThat(options.faults()).containsExactly(Fault.SOURCE_RESTART,
                Fault.LOG_OUTAGE, Fault.SINK_OUTAGE);
        assertThat(options.faultAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.faultFor()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.faultEvery()).isZero();
        assertThat(options.seed()).isEqualTo(5);
        assertThat(RunOptions.parse().faults()).isEmpty();
        // Without --seed, one seed is drawn and kept: the one the run prints is the one its faults used.
        RunOptions unseeded = RunOptions.parse();
        assertThat(unseeded.seed()).isEqualTo(unseeded.seed());
    }

    @Test
    void badFaultOptionsSayWhatToUse() {
        assertThatThrownBy(() -> RunOptions.parse("--fault", "disk-full"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'disk-full' is not a fault: use source-restart, log-outage or sink-outage");
        assertThatThrownBy(() -> RunOptions.parse("--duration", "10s", "--fault", "log-outage", "--fault-after",
                "10s")).hasMessageContaining("--fault-after must be within --duration (10s), got 10s");
        assertThatThrownBy(() -> RunOptions.parse("--fault", "log-outage,sink-outage", "--fault-for", "5s",
                "--fault-every", "10s")).hasMessageContaining("--fault-every must be at least one round of --fault "
                        + "outages (14s: --fault-for plus 2s per fault), got 10s");
        assertThatThrownBy(() -> RunOptions.parse("--fault", "log-outage", "--endpoint", "aws"))
                .hasMessageContaining("--fault needs services this machine runs or reaches by URL, not --endpoint aws");
    }
}
