package dev.wail.producer.dynamodb;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec.KeyValue;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the records of a DynamoDB Streams event (as a Lambda event source mapping delivers it) into intents, one per
 * record, reading only what every stream view type carries: the event name, the item's {@code Keys}, the sequence
 * number, the creation time and the stream ARN. Item images, when the view type has them, are ignored: the consumer
 * reads the current item itself.
 *
 * <h2>Mapping</h2>
 * <ul>
 *   <li>source: the configured name given to the constructor (the same for every table of the stream's account);</li>
 *   <li>table: the DynamoDB table name, taken from {@code eventSourceARN}
 *       ({@code arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL});</li>
 *   <li>key: the {@code Keys} attributes as {@link DynamoDbKeyCodec} maps them (ordered by attribute name; {@code S}
 *       as a string, {@code N} as an integer when it fits in 64 bits and as decimal text otherwise, {@code B} as
 *       base64); the consumer inverts it with the same codec and the table's attribute definitions;</li>
 *   <li>operation: {@code INSERT} / {@code MODIFY} / {@code REMOVE} as insert / update / delete;</li>
 *   <li>version: the record's sequence number ({@link VersionHint.StreamSequence}), which grows with every change of
 *       one item;</li>
 *   <li>captured at: {@code ApproximateCreationDateTime}.</li>
 * </ul>
 *
 * A record that cannot become an intent the consumer will decode (no keys, a key type DynamoDB does not allow in keys,
 * a value over the wire format's limits, ...) is returned as {@link Rejected} with the reason; its neighbours are
 * unaffected. An event that is not a DynamoDB Streams event at all is refused with {@link NotAStreamEventException}.
 */
public final class StreamRecordReader {

    private static final Pattern TABLE_ARN = Pattern.compile("arn:[^:]+:dynamodb:[^:]*:[^:]*:table/([^/]+)/stream/.+");
    private static final Pattern SEQUENCE_NUMBER = Pattern.compile("[0-9]{1,40}");
    private static final String EVENT_SOURCE = "aws:dynamodb";

    private final String source;

    public StreamRecordReader(String source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** @throws NotAStreamEventException when the event, or any of its records, is not from DynamoDB Streams */
    public StreamBatch read(DynamodbEvent event) {
        if (event == null || event.getRecords() == null) {
            throw new NotAStreamEventException("expected a DynamoDB Streams event {\"Records\":[...]}, got "
                    + (event == null ? "nothing" : "no Records"));
        }
        List<DynamodbStreamRecord> records = event.getRecords();
        List<Intent> intents = new ArrayList<>(records.size());
        List<String> sequenceNumbers = new ArrayList<>(records.size());
        List<Rejected> rejected = new ArrayList<>();
        for (int index = 0; index < records.size(); index++) {
            DynamodbStreamRecord record = requireStreamRecord(records.get(index), index);
            try {
                intents.add(intent(record));
                sequenceNumbers.add(record.getDynamodb().getSequenceNumber());
            } catch (MalformedRecordException e) {
                rejected.add(new Rejected(index, record.getEventID(), record.getDynamodb().getSequenceNumber(),
                        e.getMessage()));
            }
        }
        return new StreamBatch(records.size(), intents, sequenceNumbers, rejected);
    }

    private static DynamodbStreamRecord requireStreamRecord(DynamodbStreamRecord record, int index) {
        if (record == null || !EVENT_SOURCE.equals(record.getEventSource()) || record.getDynamodb() == null) {
            throw new NotAStreamEventException("record " + index + ": expected a DynamoDB Streams record (eventSource "
                    + "'" + EVENT_SOURCE + "' and a 'dynamodb' section), got " + (record == null ? "null"
                    : "eventSource '" + record.getEventSource() + "'"
                            + (record.getDynamodb() == null ? " without a 'dynamodb' section" : "")));
        }
        return record;
    }

    private Intent intent(DynamodbStreamRecord record) {
        StreamRecord change = record.getDynamodb();
        Intent intent = new Intent(source, table(record.getEventSourceARN()), key(change.getKeys()),
                operation(record.getEventName()), version(change.getSequenceNumber()), capturedAt(change));
        requireWithinLimits(intent);
        return intent;
    }

    private static String table(String eventSourceArn) {
        Matcher arn = TABLE_ARN.matcher(eventSourceArn == null ? "" : eventSourceArn);
        if (!arn.matches()) {
            throw new MalformedRecordException("eventSourceARN '" + eventSourceArn + "' is not a DynamoDB stream ARN "
                    + "(arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)");
        }
        return arn.group(1);
    }

    private static EntityKey key(Map<String, AttributeValue> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new MalformedRecordException("dynamodb.Keys is missing or empty");
        }
        try {
            return DynamoDbKeyCodec.toEntityKey(keys, StreamRecordReader::keyValue);
        } catch (DynamoDbKeyCodec.InvalidKeyValueException e) {
            throw new MalformedRecordException(e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedRecordException("dynamodb.Keys: " + e.getMessage());
        }
    }

    /** A key attribute of the Lambda events model as the key codec's value; refuses types DynamoDB keys cannot have. */
    static KeyValue keyValue(String name, AttributeValue value) {
        if (value != null && value.getS() != null) {
            return KeyValue.s(value.getS());
        }
        if (value != null && value.getN() != null) {
            return KeyValue.n(value.getN());
        }
        if (value != null && value.getB() != null) {
            ByteBuffer copy = value.getB().duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return KeyValue.b(bytes);
        }
        throw new MalformedRecordException("key attribute '" + name + "' is not of type S, N or B (the only key "
                + "types DynamoDB allows): " + value);
    }

    private static Operation operation(String eventName) {
        if (eventName == null) {
            throw new MalformedRecordException("eventName is missing (INSERT, MODIFY or REMOVE)");
        }
        return switch (eventName) {
            case "INSERT" -> Operation.INSERT;
            case "MODIFY" -> Operation.UPDATE;
            case "REMOVE" -> Operation.DELETE;
            default -> throw new MalformedRecordException("eventName '" + eventName
                    + "' is not INSERT, MODIFY or REMOVE");
        };
    }

    private static VersionHint version(String sequenceNumber) {
        if (sequenceNumber == null || !SEQUENCE_NUMBER.matcher(sequenceNumber).matches()) {
            throw new MalformedRecordException("dynamodb.SequenceNumber '" + sequenceNumber
                    + "' is not a decimal number of at most 40 digits");
        }
        return VersionHint.StreamSequence.of(sequenceNumber);
    }

    private static Instant capturedAt(StreamRecord change) {
        if (change.getApproximateCreationDateTime() == null) {
            throw new MalformedRecordException("dynamodb.ApproximateCreationDateTime is missing");
        }
        return change.getApproximateCreationDateTime().toInstant();
    }

    /**
     * What the consumer would refuse must not enter the log: it would only come back as a rejected message. The same
     * limits the consumer's codec decodes with ({@link dev.wail.core.intent.IntentLimits}), checked without a decode.
     */
    private static void requireWithinLimits(Intent intent) {
        try {
            IntentCodec.DEFAULT.requireWithinLimits(intent);
        } catch (IntentFormatException e) {
            throw new MalformedRecordException("the intent would be outside the wire format's limits: "
                    + e.getMessage());
        }
    }

    /**
     * The intents of one event, in record order, with the sequence number of the record each came from, and the
     * records that could not become intents.
     *
     * @param records         how many records the event held
     * @param intents         one per readable record, in record (stream) order
     * @param sequenceNumbers the sequence number of the record behind each intent, same positions
     * @param rejected        the records that could not become intents, with the reason
     */
    public record StreamBatch(int records, List<Intent> intents, List<String> sequenceNumbers, List<Rejected> rejected) {

        public StreamBatch {
            intents = List.copyOf(intents);
            sequenceNumbers = List.copyOf(sequenceNumbers);
            rejected = List.copyOf(rejected);
        }

        /**
         * The sequence number the stream must be re-read from: that of the earliest record whose intent the log did
         * not accept ({@code failedIndexes} are positions in {@link #intents}, ascending), or {@code null} if the log
         * accepted all of them. Rejected records are never the restart point: re-reading cannot repair them.
         */
        public String firstFailedSequenceNumber(List<Integer> failedIndexes) {
            return failedIndexes.isEmpty() ? null : sequenceNumbers.get(failedIndexes.get(0));
        }
    }

    /** A record that did not become an intent, and why. */
    public record Rejected(int index, String eventId, String sequenceNumber, String reason) {
    }

    /** The event is not a DynamoDB Streams event: the function is wired to the wrong source. */
    public static final class NotAStreamEventException extends IllegalArgumentException {
        NotAStreamEventException(String message) {
            super(message);
        }
    }

    private static final class MalformedRecordException extends RuntimeException {
        MalformedRecordException(String message) {
            super(message, null, false, false);
        }
    }
}
