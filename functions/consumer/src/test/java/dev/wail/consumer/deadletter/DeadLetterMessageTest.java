package dev.wail.consumer.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The dead-letter message within SQS's limits: attribute count, message size, the reason's length. */
class DeadLetterMessageTest {

    @Test
    void theReasonTableIdAndReceiveCountComeFirstAndOriginalAttributesFillTheRestLargestLeftOut() {
        Map<String, MessageAttributeValue> original = new LinkedHashMap<>();
        for (int i = 0; i < 9; i++) {
            original.put("a" + i, string("x".repeat(10 + i)));
        }

        DeadLetterMessage message = DeadLetterMessage.of("m-1", "{}", null, "3", List.of("shop/orders"), "why",
                original);

        assertThat(message.attributes()).hasSize(DeadLetterMessage.MAX_ATTRIBUTES)
                .containsKeys("a0", "a1", "a2", "a3", "a4", "a5");
        assertThat(message.dropped()).containsExactly("a8", "a7", "a6");
        assertThat(message.attributes().get(DeadLetterMessage.REASON).stringValue()).isEqualTo("why");
        assertThat(message.attributes().get(DeadLetterMessage.TABLE).stringValue()).isEqualTo("shop/orders");
        assertThat(message.attributes().get(DeadLetterMessage.MESSAGE_ID).stringValue()).isEqualTo("m-1");
        assertThat(message.attributes().get(DeadLetterMessage.RECEIVE_COUNT))
                .extracting(MessageAttributeValue::dataType, MessageAttributeValue::stringValue)
                .containsExactly("Number", "3");
    }

    @Test
    void aLongReasonIsCutOnACharacterBoundaryAndSaysWhereTheRestIs() {
        String reason = "key of shop/orders{id=" + "é".repeat(5000) + "} column id is bigint";

        String sent = DeadLetterMessage.of("m-1", "{}", null, null, List.of(), reason, Map.of()).attributes()
                .get(DeadLetterMessage.REASON).stringValue();

        assertThat(sent.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(DeadLetterMessage.REASON_MAX_BYTES)
                .isGreaterThan(DeadLetterMessage.REASON_MAX_BYTES - 2);
        assertThat(sent).startsWith("key of shop/orders{id=éé").endsWith(DeadLetterMessage.CUT);
    }

    @Test
    void aBodyNearTheSizeLimitLeavesOutOriginalAttributesAndShortensTheReasonToFit() {
        String body = "x".repeat(DeadLetterMessage.MAX_MESSAGE_BYTES - 300);
        Map<String, MessageAttributeValue> original = Map.of("small", string("s"), "large", string("l".repeat(200)));

        DeadLetterMessage message = DeadLetterMessage.of("8f4c1c2e-0000-4000-8000-000000000000", body, null, "1",
                List.of(), "r".repeat(2000), original);

        assertThat(message.size()).isLessThanOrEqualTo(DeadLetterMessage.MAX_MESSAGE_BYTES);
        assertThat(message.dropped()).containsExactly("large", "small");
        assertThat(message.attributes().get(DeadLetterMessage.REASON).stringValue()).endsWith(DeadLetterMessage.CUT);
        assertThat(message.body()).isEqualTo(body);
    }

    @Test
    void batchesHoldAtMostTenEntriesAndTheSizeLimit() {
        DeadLetterMessage small = DeadLetterMessage.of("s", "{}", null, null, List.of(), "r", Map.of());
        DeadLetterMessage big = DeadLetterMessage.of("b", "x".repeat(100_000), null, null, List.of(), "r", Map.of());

        assertThat(DeadLetterQueue.batches(List.of(small, small, small, small, small, small, small, small, small, small,
                small, small))).extracting(List::size).containsExactly(10, 2);
        assertThat(DeadLetterQueue.batches(List.of(big, big, big, small))).extracting(List::size)
                .containsExactly(2, 2);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
