package dev.wail.emulation.mapping;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.LocalAws;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Builds the JSON that Lambda's event source mappings hand a function, from what the real services returned, so that
 * handlers are tested with the very shape AWS sends.
 */
public final class LambdaEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaEvents() {
    }

    /**
     * The {@code SQSEvent} Lambda delivers for messages received from {@code queueName}, with their system attributes
     * and message attributes (those the receive asked for) in Lambda's shape.
     */
    public static String sqsEvent(String queueName, List<Message> messages) {
        return event(messages, (message, record) -> {
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> a : message.attributes().entrySet()) {
                attributes.put(a.getKey().toString(), a.getValue());
            }
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            message.messageAttributes().forEach((name, value) -> {
                ObjectNode attribute = messageAttributes.putObject(name);
                if (value.stringValue() != null) {
                    attribute.put("stringValue", value.stringValue());
                }
                if (value.binaryValue() != null) {
                    attribute.put("binaryValue", base64(value.binaryValue()));
                }
                attribute.putArray("stringListValues");
                attribute.putArray("binaryListValues");
                attribute.put("dataType", value.dataType());
            });
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", EmbeddedSqsServer.queueArn(queueName));
            record.put("awsRegion", EmbeddedSqsServer.REGION);
        });
    }

    /**
     * The {@code DynamodbEvent} a Lambda event source mapping on {@code streamArn} delivers for records read from that
     * stream: Lambda's names and casing ({@code eventID}, {@code dynamodb.Keys}, {@code eventSourceARN}), images only
     * when the stream view type carries them, and the creation time in whole epoch seconds as Lambda sends it.
     */
    public static String dynamodbEvent(String streamArn, List<Record> records) {
        return event(records, (change, record) -> {
            record.put("eventID", change.eventID());
            record.put("eventName", change.eventNameAsString());
            record.put("eventVersion", change.eventVersion());
            record.put("eventSource", change.eventSource());
            record.put("awsRegion", change.awsRegion());
            record.set("dynamodb", streamRecord(change.dynamodb()));
            record.put("eventSourceARN", streamArn);
        });
    }

    /** {@code {"Records":[...]}}, one record written by {@code writeRecord} per item, the envelope of every event. */
    private static <T> String event(List<T> items, BiConsumer<T, ObjectNode> writeRecord) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        items.forEach(item -> writeRecord.accept(item, records.addObject()));
        return event.toString();
    }

    /**
     * The same event as {@link #sqsEvent}, as the object the Lambda runtime hands a handler: for tests that invoke a
     * handler bean directly, several at once, as concurrent function instances do.
     */
    public static SQSEvent sqsEventObject(String queueName, List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>(messages.size());
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            Map<String, String> attributes = new HashMap<>();
            message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            message.messageAttributes().forEach((name, value) -> {
                SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
                attribute.setStringValue(value.stringValue());
                attribute.setBinaryValue(value.binaryValue() == null ? null : value.binaryValue().asByteBuffer());
                attribute.setStringListValues(List.of());
                attribute.setBinaryListValues(List.of());
                attribute.setDataType(value.dataType());
                messageAttributes.put(name, attribute);
            });
            record.setMessageAttributes(messageAttributes);
            record.setMd5OfBody(message.md5OfBody());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(EmbeddedSqsServer.queueArn(queueName));
            record.setAwsRegion(EmbeddedSqsServer.REGION);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static ObjectNode streamRecord(StreamRecord change) {
        ObjectNode node = JSON.createObjectNode();
        node.put("ApproximateCreationDateTime", change.approximateCreationDateTime().getEpochSecond());
        node.set("Keys", attributes(change.keys()));
        if (change.hasNewImage()) {
            node.set("NewImage", attributes(change.newImage()));
        }
        if (change.hasOldImage()) {
            node.set("OldImage", attributes(change.oldImage()));
        }
        node.put("SequenceNumber", change.sequenceNumber());
        node.put("SizeBytes", change.sizeBytes());
        node.put("StreamViewType", change.streamViewTypeAsString());
        return node;
    }

    /** An item (or key) in DynamoDB's typed JSON: every value an object naming its type, as in {@code {"N":"42"}}. */
    private static ObjectNode attributes(Map<String, AttributeValue> item) {
        ObjectNode node = JSON.createObjectNode();
        item.forEach((name, value) -> node.set(name, typed(value)));
        return node;
    }

    private static ObjectNode typed(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", base64(value.b()));
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> value.bs().forEach(bytes -> node.withArray("BS").add(base64(bytes)));
            case M -> node.set("M", attributes(value.m()));
            case L -> value.l().forEach(element -> node.withArray("L").add(typed(element)));
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            default -> throw new IllegalArgumentException("attribute type unknown to this SDK: " + value);
        }
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }

    /**
     * The {@code KinesisEvent} a Kinesis event source mapping hands a handler for records read from one shard, as the
     * object the Lambda runtime builds, for tests that invoke a handler bean directly.
     */
    public static KinesisEvent kinesisEventObject(String streamArn, String shardId,
            List<software.amazon.awssdk.services.kinesis.model.Record> records) {
        List<KinesisEvent.KinesisEventRecord> events = new ArrayList<>(records.size());
        for (software.amazon.awssdk.services.kinesis.model.Record record : records) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setKinesisSchemaVersion("1.0");
            kinesis.setPartitionKey(record.partitionKey());
            kinesis.setSequenceNumber(record.sequenceNumber());
            kinesis.setData(ByteBuffer.wrap(record.data().asByteArray()));
            kinesis.setApproximateArrivalTimestamp(Date.from(record.approximateArrivalTimestamp()));
            KinesisEvent.KinesisEventRecord event = new KinesisEvent.KinesisEventRecord();
            event.setKinesis(kinesis);
            event.setEventSource("aws:kinesis");
            event.setEventVersion("1.0");
            event.setEventID(shardId + ":" + record.sequenceNumber());
            event.setEventName("aws:kinesis:record");
            event.setAwsRegion(LocalAws.REGION);
            event.setEventSourceARN(streamArn);
            events.add(event);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(events);
        return event;
    }

    /**
     * The {@code KinesisEvent} JSON a Kinesis event source mapping on {@code streamArn} delivers for records read from
     * one shard: data in base64, the arrival time in epoch seconds with a fraction, the event id
     * {@code shardId:sequenceNumber}, as Lambda sends them.
     */
    public static String kinesisEvent(String streamArn, String shardId,
            List<software.amazon.awssdk.services.kinesis.model.Record> records) {
        return event(records, (record, node) -> {
            ObjectNode kinesis = node.putObject("kinesis");
            kinesis.put("kinesisSchemaVersion", "1.0");
            kinesis.put("partitionKey", record.partitionKey());
            kinesis.put("sequenceNumber", record.sequenceNumber());
            kinesis.put("data", base64(record.data()));
            kinesis.put("approximateArrivalTimestamp", record.approximateArrivalTimestamp().toEpochMilli() / 1000.0);
            node.put("eventSource", "aws:kinesis");
            node.put("eventVersion", "1.0");
            node.put("eventID", shardId + ":" + record.sequenceNumber());
            node.put("eventName", "aws:kinesis:record");
            node.put("invokeIdentityArn", "arn:aws:iam::" + LocalAws.ACCOUNT + ":role/wail-consumer");
            node.put("awsRegion", LocalAws.REGION);
            node.put("eventSourceARN", streamArn);
        });
    }

    /** The message ids a handler reported failed, in the order it reported them. */
    public static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }
}
