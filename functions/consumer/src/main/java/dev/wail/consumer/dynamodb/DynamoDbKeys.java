package dev.wail.consumer.dynamodb;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.TableBinding;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * A DynamoDB table's key (attribute names and types, partition key first, from {@code DescribeTable}) and the
 * inverse of the producer's key mapping: an intent key's values become DynamoDB key attributes again.
 *
 * <ul>
 *   <li>{@code S}: the string (an integer value is taken as its decimal text);</li>
 *   <li>{@code N}: an integer as is, or the decimal text the producer wrote for numbers that are not 64-bit
 *       integers;</li>
 *   <li>{@code B}: the standard base64 text the producer wrote, decoded.</li>
 * </ul>
 *
 * Intent keys name their attributes and may list them in any order; they must name exactly the table's key
 * attributes.
 */
record DynamoDbKeys(String table, List<KeyAttribute> attributes) {

    record KeyAttribute(String name, ScalarAttributeType type) {
    }

    DynamoDbKeys {
        attributes = List.copyOf(attributes);
    }

    /** The key of a described table, checked against the configured key columns. */
    static DynamoDbKeys of(TableBinding binding, TableDescription description) {
        Map<String, ScalarAttributeType> types = description.attributeDefinitions().stream()
                .collect(Collectors.toMap(AttributeDefinition::attributeName, AttributeDefinition::attributeType));
        List<KeyAttribute> attributes = description.keySchema().stream()
                .map(KeySchemaElement::attributeName)
                .map(name -> new KeyAttribute(name, types.get(name)))
                .toList();
        DynamoDbKeys keys = new DynamoDbKeys(description.tableName(), attributes);
        if (!new HashSet<>(binding.keyColumns()).equals(new HashSet<>(keys.names()))) {
            throw new IllegalStateException(binding.qualifiedName() + ": configured key columns "
                    + binding.keyColumns() + " are not the key of DynamoDB table " + keys.table() + " "
                    + keys.describe());
        }
        return keys;
    }

    List<String> names() {
        return attributes.stream().map(KeyAttribute::name).toList();
    }

    /** The DynamoDB key of an intent key. */
    Map<String, AttributeValue> toAttributes(EntityKey key) {
        if (!new HashSet<>(key.columns()).equals(new HashSet<>(names()))) {
            throw new IllegalArgumentException("key " + key + " does not name the attributes of DynamoDB table "
                    + table + "'s key " + describe());
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (KeyAttribute attribute : attributes) {
            Object value = key.value(key.columns().indexOf(attribute.name()));
            item.put(attribute.name(), toAttribute(attribute, value));
        }
        return item;
    }

    /**
     * One string per distinct key, the same for a requested key and the item DynamoDB returns for it: numbers are
     * compared by value ({@code 2.50} is {@code 2.5}), binary by bytes.
     */
    String identity(Map<String, AttributeValue> item) {
        StringBuilder identity = new StringBuilder();
        for (KeyAttribute attribute : attributes) {
            AttributeValue value = item.get(attribute.name());
            if (value == null) {
                throw new IllegalStateException("DynamoDB table " + table + " returned an item without its key "
                        + "attribute " + attribute.name());
            }
            String text = switch (attribute.type()) {
                case N -> new BigDecimal(value.n()).stripTrailingZeros().toPlainString();
                case B -> Base64.getEncoder().encodeToString(value.b().asByteArray());
                default -> value.s();
            };
            identity.append(text).append('\u0000');
        }
        return identity.toString();
    }

    private static AttributeValue toAttribute(KeyAttribute attribute, Object value) {
        String text = String.valueOf(value);
        return switch (attribute.type()) {
            case N -> AttributeValue.fromN(number(attribute, text));
            case B -> AttributeValue.fromB(SdkBytes.fromByteArray(binary(attribute, text)));
            case S -> AttributeValue.fromS(text);
            default -> throw new IllegalStateException("key attribute " + attribute.name() + " has type "
                    + attribute.type() + ", which wail cannot read");
        };
    }

    private static String number(KeyAttribute attribute, String text) {
        try {
            return new BigDecimal(text).toPlainString();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key attribute " + attribute.name() + " is a number, got '" + text + "'");
        }
    }

    private static byte[] binary(KeyAttribute attribute, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key attribute " + attribute.name() + " is binary (base64 in an "
                    + "intent), got '" + text + "'");
        }
    }

    private String describe() {
        return attributes.stream().map(a -> a.name() + " (" + a.type() + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
