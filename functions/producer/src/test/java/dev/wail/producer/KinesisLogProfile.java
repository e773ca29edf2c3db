package dev.wail.producer;

import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.testing.SdkSystemProperties;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The producer deployed with {@code WAIL_PRODUCER_LOG=kinesis}: the same build as the SQS tests, another setting. The
 * global {@code RealServicesResource} still provides PostgreSQL.
 */
public final class KinesisLogProfile implements QuarkusTestProfile {

    public static final String STREAM = "wail-intents";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("wail.producer.log", "kinesis", "wail.producer.stream-name", STREAM);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Stream.class));
    }

    /**
     * Starts kinesis-mock with the stream, and points the AWS SDK's own resolution at it the way a Lambda environment
     * would (endpoint, region, credentials), here through the SDK's system properties; restores them when done.
     */
    public static final class Stream implements QuarkusTestResourceLifecycleManager {

        private EmbeddedKinesisServer kinesis;
        private SdkSystemProperties sdk;

        @Override
        public Map<String, String> start() {
            kinesis = EmbeddedKinesisServer.start();
            kinesis.createStream(STREAM, 2);
            sdk = SdkSystemProperties.pointAt("aws.endpointUrlKinesis", kinesis.endpoint());
            return Map.of();
        }

        @Override
        public void stop() {
            if (sdk != null) {
                sdk.close();
            }
            if (kinesis != null) {
                kinesis.close();
            }
        }
    }
}
