package dev.wail.producer.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec;
import dev.wail.producer.EdgeCases;
import dev.wail.producer.dynamodb.StreamRecordReader.StreamBatch;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB stream records made of generated edge cases (S, N and B keys at and over the limits, NUL, lone surrogates,
 * empty strings, long attribute names, many key attributes): whatever {@link StreamRecordReader} accepts, the
 * consumer's codec encodes and decodes back to an equal intent; whatever the codec would reject, the reader sets aside.
 */
class StreamRecordRoundTripTest {

    private static final int RECORDS = 3_000;
    private static final Instant CREATED = Instant.parse("2026-11-25T10:00:03Z");

    @Test
    void theReaderAcceptsExactlyTheRecordsTheConsumerWouldDecode() {
        EdgeCases cases = new EdgeCases();
        List<DynamodbStreamRecord> records = new ArrayList<>();
        List<Intent> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            Map<String, AttributeValue> keys = keys(cases);
            String table = cases.pick(List.of("orders", "orders", "orders", "x".repeat(255), "x".repeat(256)));
            String sequence = cases.pick(List.of(String.valueOf(100 + i), "9".repeat(40)));
            records.add(record(table, sequence, keys));
            EntityKey key = DynamoDbKeyCodec.toEntityKey(keys, StreamRecordReader::keyValue);
            expected.add(new Intent("shop", table, key, Operation.UPDATE,
                    VersionHint.StreamSequence.of(sequence), CREATED));
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);

        StreamBatch batch = new StreamRecordReader("shop").read(event);

        Set<Integer> setAside = new HashSet<>();
        batch.rejected().forEach(rejected -> setAside.add(rejected.index()));
        List<String> disagreements = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < RECORDS; i++) {
            boolean codecAccepts = EdgeCases.roundTrips(expected.get(i));
            boolean readerAccepts = !setAside.contains(i);
            if (readerAccepts) {
                assertThat(batch.intents().get(next++)).as("record %d", i).isEqualTo(expected.get(i));
            }
            if (readerAccepts != codecAccepts) {
                disagreements.add("record " + i + ": reader " + (readerAccepts ? "accepts" : "sets aside") + ", codec "
                        + (codecAccepts ? "accepts" : "rejects") + ": " + expected.get(i));
            }
        }

        assertThat(disagreements).isEmpty();
        assertThat(batch.intents()).allSatisfy(intent -> assertThat(EdgeCases.roundTrips(intent)).isTrue());
        assertThat(batch.intents().size()).as("accepted").isBetween(RECORDS / 5, RECORDS * 4 / 5);
        assertThat(batch.rejected()).extracting(StreamRecordReader.Rejected::reason)
                .filteredOn(reason -> !reason.matches("(?s)the intent would be outside the wire format's limits: "
                        + "(field '.+|the encoded intent is \\d+ bytes, over the limit of 8192)"))
                .isEmpty();
    }

    /** 1 or 2 key attributes as DynamoDB has them, sometimes more; names and values of every key type at the edges. */
    private static Map<String, AttributeValue> keys(EdgeCases cases) {
        int count = cases.pick(List.of(1, 1, 2, 2, 3, cases.keyColumns()));
        Map<String, AttributeValue> keys = new LinkedHashMap<>();
        String first = cases.name("pk");
        for (int i = 0; i < count; i++) {
            keys.put(i == 0 ? first : "sk" + i, value(cases));
        }
        return keys;
    }

    private static AttributeValue value(EdgeCases cases) {
        return switch (cases.nextInt(4)) {
            case 0 -> new AttributeValue().withN(cases.pick(List.of("42", "-1", "9223372036854775808", "2.50",
                    "1E+2", "0.000001", "1" + "0".repeat(37))));
            case 1 -> new AttributeValue().withB(ByteBuffer.wrap(new byte[cases.pick(List.of(0, 16, 1024, 1536, 1537))]));
            default -> new AttributeValue().withS(cases.text());
        };
    }

    private static DynamodbStreamRecord record(String table, String sequenceNumber, Map<String, AttributeValue> keys) {
        StreamRecord change = new StreamRecord();
        change.setKeys(keys);
        change.setSequenceNumber(sequenceNumber);
        change.setApproximateCreationDateTime(Date.from(CREATED));
        DynamodbStreamRecord record = new DynamodbStreamRecord();
        record.setEventID("event-" + sequenceNumber);
        record.setEventName("MODIFY");
        record.setEventSource("aws:dynamodb");
        record.setDynamodb(change);
        record.setEventSourceARN("arn:aws:dynamodb:eu-west-1:123456789012:table/" + table + "/stream/2026-11-25");
        return record;
    }
}
