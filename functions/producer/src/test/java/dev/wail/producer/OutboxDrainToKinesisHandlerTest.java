package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedKinesisServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** The deployable producer configured for Kinesis, invoked like Lambda invokes it on a schedule. */
@QuarkusTest
@TestProfile(KinesisLogProfile.class)
class OutboxDrainToKinesisHandlerTest {

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port")
    int lambdaPort;

    /** The application's own client, resolved by the SDK from the environment the profile set up. */
    @Inject
    KinesisClient kinesis;

    @Test
    void aScheduledInvocationDrainsTheOutboxToTheConfiguredStream() {
        ScheduledDrain.twelveInsertsThenADelete(jdbcUrl, "shipments");

        ScheduledDrain.invokeAndExpectEverythingSent(lambdaPort);

        List<Record> records = EmbeddedKinesisServer.records(kinesis, KinesisLogProfile.STREAM);
        ScheduledDrain.assertIntentsOfTheTwoStatements(records.stream()
                .flatMap(r -> IntentCodec.DEFAULT.decodeAll(r.data().asUtf8String()).stream()).toList(), "shipments");
        // Packed by default: fewer records than intents, each holding only intents of the shard it landed on.
        assertThat(records).hasSizeLessThan(13);
        List<Shard> shards = EmbeddedKinesisServer.shards(kinesis, KinesisLogProfile.STREAM);
        Map<String, List<Record>> byShard = EmbeddedKinesisServer.recordsByShard(kinesis, KinesisLogProfile.STREAM);
        byShard.forEach((shard, onShard) -> assertThat(onShard).allSatisfy(r -> assertThat(
                IntentCodec.DEFAULT.decodeAll(r.data().asUtf8String()))
                .allSatisfy(i -> assertThat(EmbeddedKinesisServer.shardFor(shards, IntentCodec.entityId(i.entity())))
                        .isEqualTo(shard))));
    }
}
