package dev.wail.producer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.log.IntentLog;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.testing.RealServices;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which log the producer builds from its settings, read by the same SmallRye config mapping Quarkus uses. */
@RealServices
class ProducerBeansTest {

    private static final List<Intent> INTENTS = IntStream.rangeClosed(1, 5)
            .mapToObj(id -> new Intent("shop", "orders", EntityKey.of("id", id), Operation.INSERT,
                    VersionHint.NONE, Instant.parse("2026-11-24T10:00:00Z")))
            .toList();

    private static ProducerConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ProducerConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(ProducerConfig.class);
    }

    private static <T> Supplier<T> unused(String what) {
        return () -> {
            throw new AssertionError(what + " client must not be created");
        };
    }

    @Test
    void sqsIsTheDefaultLogAndAHundredIntentsPerMessageTheDefaultPacking() {
        ProducerConfig config = config(Map.of("wail.producer.queue-url", "unused"));

        assertThat(config.log()).isEqualTo(ProducerConfig.LogKind.SQS);
        assertThat(config.sqs().intentsPerMessage()).isEqualTo(100).isEqualTo(ProducerDefaults.intentsPerMessage());
    }

    @Test
    void theSqsLogPacksAsConfigured(EmbeddedSqsServer sqs) {
        String queue = sqs.createQueue("selected-by-config");
        ProducerConfig config = config(Map.of("wail.producer.queue-url", queue,
                "wail.producer.sqs.intents-per-message", "5"));

        IntentLog log = ProducerBeans.selectLog(config, sqs::client, unused("Kinesis"));
        assertThat(log.append(INTENTS).accepted()).isTrue();

        assertThat(TestData.receiveAll(sqs.client(), queue)).extracting(m -> IntentCodec.DEFAULT.decodeAll(m.body()))
                .containsExactly(INTENTS);
    }

    @Test
    void kinesisIsSelectedByConfigurationWithoutCreatingAnSqsClient(EmbeddedKinesisServer kinesis) {
        kinesis.createStream("selected-by-config", 1);
        ProducerConfig config = config(Map.of("wail.producer.log", "kinesis",
                "wail.producer.stream-name", "selected-by-config"));

        IntentLog log = ProducerBeans.selectLog(config, unused("SQS"), kinesis::client);
        assertThat(log.append(INTENTS).accepted()).isTrue();

        // Packed by default: one shard, so every intent in one record, in order.
        assertThat(kinesis.records("selected-by-config")).singleElement()
                .extracting(r -> IntentCodec.DEFAULT.decodeAll(r.data().asUtf8String()))
                .isEqualTo(INTENTS);
    }

    @Test
    void aMissingQueueUrlIsNamedInTheStartUpError() {
        ProducerConfig config = config(Map.of());

        assertThatThrownBy(() -> ProducerBeans.selectLog(config, unused("SQS"), unused("Kinesis")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("wail.producer.queue-url (WAIL_PRODUCER_QUEUE_URL) must be set when wail.producer.log=sqs");
    }

    @Test
    void aMissingStreamNameIsNamedInTheStartUpError() {
        ProducerConfig config = config(Map.of("wail.producer.log", "kinesis", "wail.producer.queue-url", "unused"));

        assertThatThrownBy(() -> ProducerBeans.selectLog(config, unused("SQS"), unused("Kinesis")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("wail.producer.stream-name (WAIL_PRODUCER_STREAM_NAME) must be set when "
                        + "wail.producer.log=kinesis");
    }

    @Test
    void aPackingBelowOneIsNamedInTheStartUpError() {
        ProducerConfig config = config(Map.of("wail.producer.queue-url", "unused",
                "wail.producer.sqs.intents-per-message", "0"));

        assertThatThrownBy(() -> ProducerBeans.selectLog(config, unused("SQS"), unused("Kinesis")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("wail.producer.sqs.intents-per-message (WAIL_PRODUCER_SQS_INTENTS_PER_MESSAGE) must be at "
                        + "least 1, got 0");
    }
}
