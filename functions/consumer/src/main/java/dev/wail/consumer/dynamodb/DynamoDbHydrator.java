package dev.wail.consumer.dynamodb;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Hydrator;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.retry.Backoff;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads current items from DynamoDB with {@code BatchGetItem}: up to {@value #MAX_KEYS_PER_CALL} keys per call, a few
 * calls in flight at once, strongly consistent reads (an item written before its stream record was read is seen).
 * Only the configured columns are read (a projection with placeholder names, so reserved words and any attribute
 * name work); each item becomes a JSON document as {@link ItemDocuments} describes.
 *
 * <p>Keys DynamoDB leaves unprocessed (throttling, the 16 MB response limit) are asked again, alone, with exponential
 * backoff and full jitter ({@link Backoff}), up to {@code maxAttempts} calls; keys still unprocessed then fail the read, and the
 * pipeline retries the messages. The table's key schema is read once per table ({@code DescribeTable}) and checked
 * against the configured key columns.
 */
public final class DynamoDbHydrator implements Hydrator {

    static final int MAX_KEYS_PER_CALL = 100;
    private static final int CALLS_IN_FLIGHT = 4;

    private final DynamoDbAsyncClient dynamodb;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Map<TableBinding, Uni<DynamoDbKeys>> keySchemas = new ConcurrentHashMap<>();

    /**
     * @param maxAttempts BatchGetItem calls per group of keys, the first included, before unprocessed keys fail the read
     * @param baseBackoff backoff ceiling before the second call; doubles per call, full jitter
     */
    public DynamoDbHydrator(DynamoDbAsyncClient dynamodb, int maxAttempts, Duration baseBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.dynamodb = dynamodb;
        this.maxAttempts = maxAttempts;
        this.backoff = new Backoff(baseBackoff);
    }

    @Override
    public Uni<List<EntityState>> read(TableBinding table, List<EntityKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return keySchema(table).chain(schema -> readKeys(table, schema, keys));
    }

    /** The table's key schema, described on first use and then reused; a failed description is not kept. */
    private Uni<DynamoDbKeys> keySchema(TableBinding table) {
        return keySchemas.computeIfAbsent(table, t -> Uni.createFrom()
                .completionStage(() -> dynamodb.describeTable(b -> b.tableName(t.table())))
                .map(described -> DynamoDbKeys.of(t, described.table()))
                .memoize().indefinitely()
                .onFailure().invoke(() -> keySchemas.remove(t)));
    }

    private Uni<List<EntityState>> readKeys(TableBinding table, DynamoDbKeys schema, List<EntityKey> keys) {
        // BatchGetItem refuses a call that names one key twice, and two intent keys can name one item (7 and "7.0").
        Map<String, Map<String, AttributeValue>> distinct = new LinkedHashMap<>();
        List<String> identities = new ArrayList<>(keys.size());
        for (EntityKey key : keys) {
            Map<String, AttributeValue> attributes = schema.toAttributes(key);
            String identity = schema.identity(attributes);
            distinct.putIfAbsent(identity, attributes);
            identities.add(identity);
        }
        List<Map<String, AttributeValue>> unique = new ArrayList<>(distinct.values());
        List<Uni<List<Map<String, AttributeValue>>>> calls = new ArrayList<>();
        for (int from = 0; from < unique.size(); from += MAX_KEYS_PER_CALL) {
            List<Map<String, AttributeValue>> group = unique.subList(from, Math.min(from + MAX_KEYS_PER_CALL, unique.size()));
            calls.add(Uni.createFrom().deferred(() -> fetch(table, group, 1, new ArrayList<>())));
        }
        return Uni.join().all(calls).usingConcurrencyOf(CALLS_IN_FLIGHT).andFailFast()
                .map(groups -> inRequestOrder(keys, identities, schema, groups));
    }

    /** One call for {@code pending}, then again for what DynamoDB left unprocessed, collecting items in {@code found}. */
    private Uni<List<Map<String, AttributeValue>>> fetch(TableBinding table, List<Map<String, AttributeValue>> pending,
            int attempt, List<Map<String, AttributeValue>> found) {
        return backoff(attempt)
                .chain(() -> Uni.createFrom().completionStage(() -> dynamodb.batchGetItem(request(table, pending))))
                .chain(response -> {
                    found.addAll(response.responses().getOrDefault(table.table(), List.of()));
                    List<Map<String, AttributeValue>> unprocessed = unprocessed(response, table.table());
                    if (unprocessed.isEmpty()) {
                        return Uni.createFrom().item(found);
                    }
                    if (attempt >= maxAttempts) {
                        return Uni.createFrom().failure(new IllegalStateException(table.qualifiedName() + ": "
                                + unprocessed.size() + " keys still unprocessed by DynamoDB after " + attempt
                                + " BatchGetItem calls"));
                    }
                    return fetch(table, unprocessed, attempt + 1, found);
                });
    }

    private Uni<Void> backoff(int attempt) {
        Duration delay = backoff.delay(attempt);
        // The first attempt does not wait, and full jitter can draw zero, which Mutiny's delay refuses.
        return delay.isZero() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(delay);
    }

    private static BatchGetItemRequest request(TableBinding table, List<Map<String, AttributeValue>> keys) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String column : table.columns()) {
            names.put("#c" + names.size(), column);
        }
        KeysAndAttributes read = KeysAndAttributes.builder()
                .keys(keys)
                .consistentRead(true)
                .projectionExpression(String.join(", ", names.keySet()))
                .expressionAttributeNames(names)
                .build();
        return BatchGetItemRequest.builder().requestItems(Map.of(table.table(), read)).build();
    }

    private static List<Map<String, AttributeValue>> unprocessed(BatchGetItemResponse response, String table) {
        KeysAndAttributes left = response.unprocessedKeys().get(table);
        return left == null ? List.of() : left.keys();
    }

    private static List<EntityState> inRequestOrder(List<EntityKey> keys, List<String> identities, DynamoDbKeys schema,
            List<List<Map<String, AttributeValue>>> groups) {
        Map<String, String> documents = new HashMap<>();
        for (List<Map<String, AttributeValue>> items : groups) {
            for (Map<String, AttributeValue> item : items) {
                documents.put(schema.identity(item), ItemDocuments.toJson(item));
            }
        }
        List<EntityState> states = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String document = documents.get(identities.get(i));
            states.add(document == null ? EntityState.absent(keys.get(i)) : EntityState.present(keys.get(i), document));
        }
        return states;
    }
}
