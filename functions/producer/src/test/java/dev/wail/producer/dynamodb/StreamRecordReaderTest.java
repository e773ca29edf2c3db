package dev.wail.producer.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.producer.dynamodb.StreamRecordReader.NotAStreamEventException;
import dev.wail.producer.dynamodb.StreamRecordReader.Rejected;
import dev.wail.producer.dynamodb.StreamRecordReader.StreamBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The translation alone, without Quarkus: stream records as the Lambda events library models them -> intents. */
class StreamRecordReaderTest {

    private static final String ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T10:00:00.000";
    private static final Instant CREATED = Instant.parse("2026-11-25T10:00:03Z");

    private final StreamRecordReader reader = new StreamRecordReader("shop");

    @Test
    void eachRecordBecomesTheIntentOfItsKeyAtItsSequenceNumber() {
        StreamBatch batch = reader.read(event(
                record("INSERT", "111", Map.of("id", n("42"))),
                record("MODIFY", "112", Map.of("id", n("42"))),
                record("REMOVE", "113", Map.of("id", n("42")))));

        assertThat(batch.intents()).containsExactly(
                intent(EntityKey.of("id", 42L), Operation.INSERT, "111"),
                intent(EntityKey.of("id", 42L), Operation.UPDATE, "112"),
                intent(EntityKey.of("id", 42L), Operation.DELETE, "113"));
        assertThat(batch.sequenceNumbers()).containsExactly("111", "112", "113");
        assertThat(batch.rejected()).isEmpty();
    }

    @Test
    void compositeKeysAreOrderedByAttributeNameAndBinaryIsBase64() {
        Map<String, AttributeValue> keys = new LinkedHashMap<>();
        keys.put("tenant", s("acme"));
        keys.put("digest", new AttributeValue().withB(ByteBuffer.wrap(new byte[] {0, 1, -2, 127})));

        StreamBatch batch = reader.read(event(record("INSERT", "5", keys)));

        assertThat(batch.intents().get(0).key())
                .isEqualTo(EntityKey.builder().add("digest", "AAH+fw==").add("tenant", "acme").build());
    }

    @Test
    void imagesAreIgnored() {
        DynamodbStreamRecord record = record("MODIFY", "9", Map.of("id", n("1")));
        record.getDynamodb().setNewImage(Map.of("id", n("1"), "status", s("paid")));
        record.getDynamodb().setOldImage(Map.of("id", n("1"), "status", s("new")));

        assertThat(reader.read(event(record)).intents())
                .containsExactly(intent(EntityKey.of("id", 1L), Operation.UPDATE, "9"));
    }

    @Test
    void malformedRecordsAreSetAsideWithTheirReasonAndTheirNeighboursKept() {
        DynamodbStreamRecord noKeys = record("INSERT", "2", Map.of());
        DynamodbStreamRecord boolKey = record("INSERT", "3", Map.of("id", new AttributeValue().withBOOL(true)));
        DynamodbStreamRecord badNumber = record("INSERT", "4", Map.of("id", n("twelve")));
        DynamodbStreamRecord badArn = record("INSERT", "5", Map.of("id", n("1")));
        badArn.setEventSourceARN("arn:aws:kinesis:eu-west-1:123456789012:stream/orders");
        DynamodbStreamRecord badName = record("UPSERT", "6", Map.of("id", n("1")));
        DynamodbStreamRecord badSequence = record("INSERT", "7a", Map.of("id", n("1")));
        DynamodbStreamRecord noTime = record("INSERT", "8", Map.of("id", n("1")));
        noTime.getDynamodb().setApproximateCreationDateTime(null);
        // 1,600 bytes of binary key are 2,136 base64 characters: more than the wire format carries in one value.
        DynamodbStreamRecord hugeKey = record("INSERT", "9",
                Map.of("id", new AttributeValue().withB(ByteBuffer.wrap(new byte[1600]))));

        StreamBatch batch = reader.read(event(record("INSERT", "1", Map.of("id", n("1"))), noKeys, boolKey,
                badNumber, badArn, badName, badSequence, noTime, hugeKey, record("INSERT", "10", Map.of("id", n("2")))));

        assertThat(batch.intents()).containsExactly(intent(EntityKey.of("id", 1L), Operation.INSERT, "1"),
                intent(EntityKey.of("id", 2L), Operation.INSERT, "10"));
        assertThat(batch.sequenceNumbers()).containsExactly("1", "10");
        assertThat(batch.rejected()).extracting(Rejected::index).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(batch.rejected()).extracting(Rejected::reason).containsExactly(
                "dynamodb.Keys is missing or empty",
                "key attribute 'id' is not of type S, N or B (the only key types DynamoDB allows): {BOOL: true}",
                "key attribute 'id': N value 'twelve' is not a number",
                "eventSourceARN 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders' is not a DynamoDB stream ARN "
                        + "(arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)",
                "eventName 'UPSERT' is not INSERT, MODIFY or REMOVE",
                "dynamodb.SequenceNumber '7a' is not a decimal number of at most 40 digits",
                "dynamodb.ApproximateCreationDateTime is missing",
                "the intent would be outside the wire format's limits: field 'k.id': a key value must be at most "
                        + "2048 characters, got 2136");
        assertThat(batch.rejected().get(0)).isEqualTo(new Rejected(1, "event-2", "2", "dynamodb.Keys is missing or empty"));
    }

    @Test
    void theRetryPointIsTheSequenceNumberOfTheFirstIntentTheLogRefused() {
        StreamBatch batch = reader.read(event(record("INSERT", "100", Map.of("id", n("1"))),
                record("INSERT", "101", Map.of()),
                record("INSERT", "102", Map.of("id", n("2"))),
                record("INSERT", "103", Map.of("id", n("3")))));

        assertThat(batch.firstFailedSequenceNumber(List.of())).isNull();
        // Intent positions skip the rejected record: intent 1 is record 2 (sequence number 102).
        assertThat(batch.firstFailedSequenceNumber(List.of(1, 2))).isEqualTo("102");
        assertThat(batch.firstFailedSequenceNumber(List.of(2))).isEqualTo("103");
    }

    @Test
    void anEventOfAnotherShapeIsRefusedNamingWhatWasExpected() {
        DynamodbStreamRecord sqsLike = new DynamodbStreamRecord();
        sqsLike.setEventSource("aws:sqs");
        DynamodbStreamRecord noSection = record("INSERT", "1", Map.of("id", n("1")));
        noSection.setDynamodb(null);

        assertThatThrownBy(() -> reader.read(new DynamodbEvent())).isInstanceOf(NotAStreamEventException.class)
                .hasMessage("expected a DynamoDB Streams event {\"Records\":[...]}, got no Records");
        assertThatThrownBy(() -> reader.read(event(record("INSERT", "1", Map.of("id", n("1"))), sqsLike)))
                .isInstanceOf(NotAStreamEventException.class)
                .hasMessage("record 1: expected a DynamoDB Streams record (eventSource 'aws:dynamodb' and a 'dynamodb' "
                        + "section), got eventSource 'aws:sqs' without a 'dynamodb' section");
        assertThatThrownBy(() -> reader.read(event(noSection))).isInstanceOf(NotAStreamEventException.class)
                .hasMessageContaining("got eventSource 'aws:dynamodb' without a 'dynamodb' section");
    }

    @Test
    void aTypicalIntentIsAboutOneHundredBytesOnTheWire() {
        // A real DynamoDB Streams sequence number has 20 to 40 digits; DynamoDB Local's are short, so take a real one.
        StreamBatch batch = reader.read(event(record("MODIFY", "4421584500000000017450439091", Map.of("id", n("42")))));

        String wire = IntentCodec.DEFAULT.encodeToString(batch.intents().get(0));

        assertThat(wire).isEqualTo("{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":42},\"o\":\"u\","
                + "\"q\":\"4421584500000000017450439091\",\"c\":1795600803000}");
        assertThat(wire.getBytes(StandardCharsets.UTF_8)).hasSize(106);
    }

    @Test
    void anEmptyEventIsNothingToDo() {
        StreamBatch batch = reader.read(event());

        assertThat(batch.records()).isZero();
        assertThat(batch.intents()).isEmpty();
    }

    private static Intent intent(EntityKey key, Operation operation, String sequenceNumber) {
        return new Intent("shop", "orders", key, operation, VersionHint.StreamSequence.of(sequenceNumber), CREATED);
    }

    private static DynamodbEvent event(DynamodbStreamRecord... records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(new ArrayList<>(Arrays.asList(records)));
        return event;
    }

    private static DynamodbStreamRecord record(String eventName, String sequenceNumber, Map<String, AttributeValue> keys) {
        StreamRecord change = new StreamRecord();
        change.setKeys(keys);
        change.setSequenceNumber(sequenceNumber);
        change.setApproximateCreationDateTime(Date.from(CREATED));
        change.setSizeBytes(20L);
        DynamodbStreamRecord record = new DynamodbStreamRecord();
        record.setEventID("event-" + sequenceNumber);
        record.setEventName(eventName);
        record.setEventVersion("1.1");
        record.setEventSource("aws:dynamodb");
        record.setAwsRegion("eu-west-1");
        record.setDynamodb(change);
        record.setEventSourceARN(ARN);
        return record;
    }

    private static AttributeValue n(String value) {
        return new AttributeValue().withN(value);
    }

    private static AttributeValue s(String value) {
        return new AttributeValue().withS(value);
    }
}
