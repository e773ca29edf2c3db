package dev.wail.consumer.dynamodb;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec.KeyAttribute;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec.KeyType;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec.KeyValue;
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
 * A DynamoDB table's key (attribute names and types, partition key first, from {@code DescribeTable}), and the SDK
 * side of {@link DynamoDbKeyCodec}, the mapping the producer wrote intent keys with: an intent key's values become
 * DynamoDB key attributes again. Intent keys name their attributes and may list them in any order; they must name
 * exactly the table's key attributes.
 */
record DynamoDbKeys(String table, List<KeyAttribute> attributes) {

    DynamoDbKeys {
        attributes = List.copyOf(attributes);
    }

    /** The key of a described table, checked against the configured key columns. */
    static DynamoDbKeys of(TableBinding binding, TableDescription description) {
        Map<String, ScalarAttributeType> types = description.attributeDefinitions().stream()
                .collect(Collectors.toMap(AttributeDefinition::attributeName, AttributeDefinition::attributeType));
        List<KeyAttribute> attributes = description.keySchema().stream()
                .map(KeySchemaElement::attributeName)
                .map(name -> new KeyAttribute(name, keyType(name, types.get(name))))
                .toList();
        DynamoDbKeys keys = new DynamoDbKeys(description.tableName(), attributes);
        if (!new HashSet<>(binding.keyColumns()).equals(new HashSet<>(keys.names()))) {
            throw new IllegalStateException(binding.qualifiedName() + ": configured key columns "
                    + binding.keyColumns() + " are not the key of DynamoDB table " + keys.table() + " "
                    + DynamoDbKeyCodec.describe(attributes));
        }
        return keys;
    }

    List<String> names() {
        return attributes.stream().map(KeyAttribute::name).toList();
    }

    /** The DynamoDB key of an intent key. */
    Map<String, AttributeValue> toAttributes(EntityKey key) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        DynamoDbKeyCodec.toItemKey(key, attributes, table).forEach((name, value) -> item.put(name, toSdk(value)));
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
            identity.append(DynamoDbKeyCodec.identity(fromSdk(attribute.type(), value))).append('\u0000');
        }
        return identity.toString();
    }

    private static KeyType keyType(String name, ScalarAttributeType type) {
        return switch (type) {
            case S -> KeyType.S;
            case N -> KeyType.N;
            case B -> KeyType.B;
            default -> throw new IllegalStateException("key attribute " + name + " has type " + type
                    + ", which wail cannot read");
        };
    }

    private static AttributeValue toSdk(KeyValue value) {
        return switch (value.type()) {
            case S -> AttributeValue.fromS(value.text());
            case N -> AttributeValue.fromN(value.text());
            case B -> AttributeValue.fromB(SdkBytes.fromByteArray(value.bytes()));
        };
    }

    private static KeyValue fromSdk(KeyType type, AttributeValue value) {
        return switch (type) {
            case S -> KeyValue.s(value.s());
            case N -> KeyValue.n(value.n());
            case B -> KeyValue.b(value.b().asByteArray());
        };
    }
}
