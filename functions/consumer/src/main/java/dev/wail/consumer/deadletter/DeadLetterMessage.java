package dev.wail.consumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What the consumer sends to the dead-letter queue for a message it rejected: the original body unchanged, the
 * original message attributes under their own names (so a redrive to the source queue hands the consumer the same
 * message), and the consumer's own attributes {@value #REASON}, {@value #TABLE} (when the body names one),
 * {@value #MESSAGE_ID} and {@value #RECEIVE_COUNT}. Within SQS's limits: at most {@value #MAX_ATTRIBUTES} attributes
 * and {@value #MAX_MESSAGE_BYTES} bytes of body and attributes; the reason is cut to {@value #REASON_MAX_BYTES} bytes
 * (the full reason is in {@code wail.dead_letters}) and original attributes that do not fit are left out (largest
 * first), named in {@link #dropped()} for the log.
 *
 * @param originalMessageId the source queue's message id
 * @param body              the original body
 * @param attributes        what goes on the dead-letter message
 * @param groupId           the original's FIFO message group, or null
 * @param dropped           original attribute names left out for lack of room
 */
public record DeadLetterMessage(String originalMessageId, String body, Map<String, MessageAttributeValue> attributes,
        String groupId, List<String> dropped) {

    /** The consumer's reason for rejecting the message, cut to {@value #REASON_MAX_BYTES} bytes. */
    public static final String REASON = "wail.reason";
    /** The {@code source/table} the message's intents name, comma-separated; absent for an unreadable body. */
    public static final String TABLE = "wail.table";
    /** The message id on the source queue (the dead-letter message gets a new one). */
    public static final String MESSAGE_ID = "wail.message-id";
    /** How many times the source queue had delivered the message ({@code ApproximateReceiveCount}). */
    public static final String RECEIVE_COUNT = "wail.receive-count";

    /** SQS's limits for one message. */
    public static final int MAX_ATTRIBUTES = 10;
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;
    /** Enough for every reason the consumer writes but one that quotes a long key value or table name. */
    public static final int REASON_MAX_BYTES = 1024;
    public static final int TABLE_MAX_BYTES = 256;
    /** Ends a cut reason or table. */
    public static final String CUT = " [cut; the full text is in wail.dead_letters]";

    /**
     * @param receiveCount the original's {@code ApproximateReceiveCount}, or null when the event did not carry it
     * @param tables       the {@code source/table} names of the message's intents (empty when it cannot be read)
     * @param original     the original message attributes
     */
    public static DeadLetterMessage of(String originalMessageId, String body, String groupId, String receiveCount,
            List<String> tables, String reason, Map<String, MessageAttributeValue> original) {
        Map<String, MessageAttributeValue> own = new LinkedHashMap<>();
        own.put(MESSAGE_ID, string(originalMessageId));
        if (receiveCount != null) {
            own.put(RECEIVE_COUNT, MessageAttributeValue.builder().dataType("Number").stringValue(receiveCount)
                    .build());
        }
        if (!tables.isEmpty()) {
            own.put(TABLE, string(cut(String.join(",", tables), TABLE_MAX_BYTES)));
        }
        Map<String, MessageAttributeValue> kept = new LinkedHashMap<>(original);
        own.keySet().forEach(kept::remove);
        kept.remove(REASON);
        List<String> dropped = new ArrayList<>();
        int roomForReason = REASON.length() + "String".length();
        // Largest first out, until the count and the size fit with the reason at its full allowance.
        List<String> largestFirst = kept.keySet().stream()
                .sorted(Comparator.comparingInt((String name) -> bytes(name, kept.get(name))).reversed()
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
        for (String name : largestFirst) {
            int count = own.size() + 1 + kept.size();
            int size = utf8(body) + attributeBytes(own) + attributeBytes(kept) + roomForReason + REASON_MAX_BYTES;
            if (count <= MAX_ATTRIBUTES && size <= MAX_MESSAGE_BYTES) {
                break;
            }
            kept.remove(name);
            dropped.add(name);
        }
        int left = MAX_MESSAGE_BYTES - utf8(body) - attributeBytes(own) - attributeBytes(kept) - roomForReason;
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(REASON, string(cut(reason == null || reason.isEmpty() ? "(no reason given)" : reason,
                Math.max(0, Math.min(REASON_MAX_BYTES, left)))));
        attributes.putAll(own);
        attributes.putAll(kept);
        return new DeadLetterMessage(originalMessageId, body, Map.copyOf(attributes), groupId, List.copyOf(dropped));
    }

    /** Body and attributes as SQS counts them against its size limit. */
    public int size() {
        return utf8(body) + attributeBytes(attributes);
    }

    /**
     * {@code text} if it is at most {@code maxBytes} bytes of UTF-8, else its longest prefix that fits with {@link #CUT}
     * after it (whole characters only).
     */
    static String cut(String text, int maxBytes) {
        if (utf8(text) <= maxBytes) {
            return text;
        }
        int budget = maxBytes - utf8(CUT);
        if (budget <= 0) {
            return "";
        }
        StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int width = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (used + width > budget) {
                break;
            }
            kept.appendCodePoint(codePoint);
            used += width;
            i += Character.charCount(codePoint);
        }
        return kept.append(CUT).toString();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static int attributeBytes(Map<String, MessageAttributeValue> attributes) {
        return attributes.entrySet().stream().mapToInt(e -> bytes(e.getKey(), e.getValue())).sum();
    }

    /** An attribute's share of the message size: its name, its data type and its value. */
    private static int bytes(String name, MessageAttributeValue value) {
        int size = utf8(name) + utf8(value.dataType());
        if (value.stringValue() != null) {
            size += utf8(value.stringValue());
        }
        if (value.binaryValue() != null) {
            size += value.binaryValue().asByteArray().length;
        }
        return size;
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
