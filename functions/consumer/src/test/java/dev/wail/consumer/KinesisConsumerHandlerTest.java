package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.wail.consumer.handler.KinesisConsumerHandler;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The Kinesis handler on records read back from a Kinesis emulator (kinesis-mock): the first record that must be
 * retried is reported by its sequence number, a rejected record is recorded with its reason and passed over, and the
 * valid records reach the read model.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class KinesisConsumerHandlerTest {

    private static final String STREAM = "consumer-intents";
    private static EmbeddedKinesisServer kinesis;

    @Inject
    KinesisConsumerHandler handler;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @BeforeAll
    static void startKinesis() {
        kinesis = EmbeddedKinesisServer.start();
        kinesis.createStream(STREAM, 1);
    }

    @AfterAll
    static void stopKinesis() {
        kinesis.close();
    }

    @Test
    void theFirstRecordToRetryIsReportedAndARejectedOneIsRecordedAndPassedOver() {
        TestData.execute(jdbcUrl, """
                DROP SCHEMA IF EXISTS kin CASCADE;
                CREATE SCHEMA kin;
                CREATE SCHEMA IF NOT EXISTS read_model;
                CREATE TABLE kin.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO kin.items VALUES (1, 'one'), (2, 'two'), (3, 'three');
                DROP TABLE IF EXISTS read_model.kin_items;
                CREATE TABLE read_model.kin_items (id bigint PRIMARY KEY, status text);
                """);
        String malformed = "{\"v\":1,\"s\":\"shop\",\"t\":\"kin.items\"";
        String sourceDown = "{\"v\":1,\"s\":\"down\",\"t\":\"orders\",\"k\":{\"id\":1},\"c\":1}";
        List<String> bodies = List.of(item(1), malformed, item(2), sourceDown, item(3));
        bodies.forEach(body -> kinesis.client().putRecord(b -> b.streamName(STREAM).partitionKey("p")
                .data(SdkBytes.fromUtf8String(body))));
        List<Record> records = kinesis.records(STREAM);
        assertThat(records).extracting(r -> r.data().asUtf8String()).containsExactlyElementsOf(bodies);
        String streamArn = EmbeddedKinesisServer.streamArn(STREAM);

        StreamsEventResponse response = handler.handleRequest(LambdaEvents.kinesisEventObject(streamArn,
                kinesis.shards(STREAM).get(0).shardId(), records), null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(records.get(3).sequenceNumber());
        assertThat(TestData.queryString(jdbcUrl,
                "SELECT jsonb_agg(to_jsonb(r) ORDER BY id)::text FROM read_model.kin_items r")).isEqualTo(
                "[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}, {\"id\": 3, \"status\": \"three\"}]");
        assertThat(TestData.queryString(jdbcUrl, "SELECT string_agg(message_id || ' ' || disposition || ': ' || reason,"
                + " ' | ' ORDER BY message_id) FROM wail.dead_letters WHERE log = '" + streamArn + "'")).isEqualTo(
                records.get(1).sequenceNumber() + " REJECTED: malformed intent: malformed JSON at line 1, column 34:"
                        + " Unexpected end-of-input: expected close marker for Object (start marker at [Source:"
                        + " REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])"
                        + " | " + records.get(3).sequenceNumber() + " RETRY: table down/orders failed:"
                        + " io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused:"
                        + " /127.0.0.1:1");
    }

    @Test
    void aPackedRecordRejectedInPartIsPassedOverWithOnlyItsRejectedIntentsRecorded() {
        TestData.execute(jdbcUrl, """
                DROP SCHEMA IF EXISTS kin CASCADE;
                CREATE SCHEMA kin;
                CREATE SCHEMA IF NOT EXISTS read_model;
                CREATE TABLE kin.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO kin.items VALUES (1, 'one'), (2, 'two');
                DROP TABLE IF EXISTS read_model.kin_items;
                CREATE TABLE read_model.kin_items (id bigint PRIMARY KEY, status text);
                """);
        String unconfigured = "{\"v\":1,\"s\":\"shop\",\"t\":\"kin.nowhere\",\"k\":{\"id\":1},\"c\":1}";
        String packed = "[" + item(1) + "," + unconfigured + "," + item(2) + "]";
        kinesis.client().putRecord(b -> b.streamName(STREAM).partitionKey("packed").data(SdkBytes.fromUtf8String(packed)));
        List<Record> records = kinesis.records(STREAM).stream()
                .filter(r -> r.data().asUtf8String().equals(packed)).toList();
        String streamArn = EmbeddedKinesisServer.streamArn(STREAM);

        StreamsEventResponse response = handler.handleRequest(LambdaEvents.kinesisEventObject(streamArn,
                kinesis.shards(STREAM).get(0).shardId(), records), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(TestData.queryString(jdbcUrl,
                "SELECT jsonb_agg(to_jsonb(r) ORDER BY id)::text FROM read_model.kin_items r")).isEqualTo(
                "[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}]");
        assertThat(TestData.queryString(jdbcUrl, "SELECT body || ' ' || disposition || ': ' || reason"
                + " FROM wail.dead_letters WHERE log = '" + streamArn + "' AND message_id = '"
                + records.get(0).sequenceNumber() + "'")).isEqualTo(
                IntentCodec.DEFAULT.encodeAll(List.of(IntentCodec.DEFAULT.decode(unconfigured)))
                        + " REJECTED: 1 of 3 intents rejected (the others are done): table not configured:"
                        + " shop/kin.nowhere");
    }

    private static String item(int id) {
        return "{\"v\":1,\"s\":\"shop\",\"t\":\"kin.items\",\"k\":{\"id\":" + id + "},\"o\":\"u\",\"c\":1}";
    }
}
