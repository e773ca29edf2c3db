package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Hydrator;
import dev.wail.core.pipeline.TableBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Hydrator}, written once and run against every source on its real server (a subclass per
 * source: PostgreSQL, DynamoDB Local): one state per key in the order asked, absent keys marked; only the configured
 * columns; one read for a batch; every key type the source has read back to the key asked for.
 *
 * <p>A subclass brings a table {@code items} keyed by {@code id} (an integer) with columns {@code id, name, qty} and one
 * more, {@code note}, that is never configured; it writes rows ({@link #put}), counts the reads it served
 * ({@link #reads}), and writes one row per key type it supports ({@link #keysOfEveryType}).
 */
public abstract class HydrationContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The configured columns: {@code note} is left out on purpose. */
    protected static final List<String> COLUMNS = List.of("id", "name", "qty");

    protected abstract Hydrator hydrator();

    /** The binding of {@code items} as the configuration names it (its source's own table name). */
    protected abstract TableBinding items(List<String> columns);

    /** Writes row {@code id}: name {@code "item-<id>"}, qty {@code id % 5}, note {@code "secret-<id>"}. */
    protected abstract void put(List<Long> ids);

    /** The reads (queries, BatchGetItem calls) the source served since the last call. */
    protected abstract int reads();

    /**
     * Writes one row per key type the source has (on tables of their own) and returns the tables' bindings and the
     * keys, in the forms intents carry them.
     */
    protected abstract List<KeyTypes> keysOfEveryType();

    /** A table keyed by some of the source's key types, and keys of rows written there. */
    public record KeyTypes(TableBinding table, List<EntityKey> keys) {
    }

    protected static TableBinding binding(String table, List<String> keyColumns, List<String> columns) {
        return new TableBinding("shop", table, keyColumns, columns, Optional.empty(), "read_model.items");
    }

    @Test
    void oneStatePerKeyInTheOrderAskedWithAbsentKeysMarked() {
        put(LongStream.rangeClosed(1, 50).filter(id -> id % 7 != 0).boxed().toList());
        List<EntityKey> keys = new ArrayList<>(LongStream.rangeClosed(1, 60).mapToObj(HydrationContract::key).toList());
        Collections.shuffle(keys, new Random(7));

        List<EntityState> states = read(items(COLUMNS), keys);

        assertThat(states).extracting(EntityState::key).containsExactlyElementsOf(keys);
        for (EntityState state : states) {
            long id = ((Number) state.key().value(0)).longValue();
            boolean written = id <= 50 && id % 7 != 0;
            assertThat(state.exists()).as("item %d", id).isEqualTo(written);
            if (written) {
                JsonNode row = parse(state.document());
                assertThat(row.get("id").asLong()).isEqualTo(id);
                assertThat(row.get("name").asText()).isEqualTo("item-" + id);
                assertThat(row.get("qty").asLong()).isEqualTo(id % 5);
            }
        }
    }

    @Test
    void onlyTheConfiguredColumnsAreRead() {
        put(List.of(1L, 2L));

        List<EntityState> states = read(items(List.of("id", "name")), List.of(key(2), key(1)));

        assertThat(states).allSatisfy(state -> {
            List<String> fields = new ArrayList<>();
            parse(state.document()).fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactlyInAnyOrder("id", "name");
        });
        assertThat(states).extracting(state -> parse(state.document()).get("name").asText())
                .containsExactly("item-2", "item-1");
    }

    @Test
    void aBatchIsReadInOneRead() {
        put(LongStream.rangeClosed(1, 100).boxed().toList());
        read(items(COLUMNS), List.of(key(1))); // a first use may look up the table's definition
        reads();

        List<EntityState> states = read(items(COLUMNS), LongStream.rangeClosed(1, 100).mapToObj(HydrationContract::key)
                .toList());

        assertThat(states).hasSize(100).allMatch(EntityState::exists);
        assertThat(reads()).isEqualTo(1);
    }

    @Test
    void everyKeyTypeReadsBackToTheKeyAsked() {
        for (KeyTypes types : keysOfEveryType()) {
            List<EntityState> states = read(types.table(), types.keys());

            assertThat(states).extracting(EntityState::key).containsExactlyElementsOf(types.keys());
            assertThat(states).allSatisfy(state -> assertThat(state.exists()).as("%s", state.key()).isTrue());
        }
    }

    protected static EntityKey key(long id) {
        return EntityKey.of("id", id);
    }

    private List<EntityState> read(TableBinding table, List<EntityKey> keys) {
        return hydrator().read(table, keys).await().atMost(Duration.ofSeconds(30));
    }

    private static JsonNode parse(String document) {
        try {
            return JSON.readTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
