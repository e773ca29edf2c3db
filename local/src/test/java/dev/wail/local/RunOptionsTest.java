package dev.wail.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(RunOptions.parse("--log", "sqs-fifo").queueName()).isEqualTo("wail-shop-intents.fifo");
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
    }
}
