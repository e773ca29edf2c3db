package dev.wail.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
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

    /** The {@code SQSEvent} Lambda delivers for messages received from {@code queueName}. */
    public static String sqsEvent(String queueName, List<Message> messages) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> a : message.attributes().entrySet()) {
                attributes.put(a.getKey().toString(), a.getValue());
            }
            record.putObject("messageAttributes");
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", EmbeddedSqsServer.queueArn(queueName));
            record.put("awsRegion", EmbeddedSqsServer.REGION);
        }
        return event.toString();
    }
}
