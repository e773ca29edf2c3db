package dev.wail.producer.log;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/** Intents as the PostgreSQL hook produces them, for the log tests. */
final class TestIntents {

    static final Instant CAPTURED = Instant.parse("2026-11-24T10:00:00.123Z");

    private TestIntents() {
    }

    /** An intent for row {@code id} of {@code shop/orders}; {@code wal} makes several intents of one row distinct. */
    static Intent order(long id, Operation operation, long wal) {
        return new Intent("shop", "orders", EntityKey.of("id", id), operation,
                new VersionHint.Postgres(752_345 + wal, 439_041_101 + wal), CAPTURED);
    }

    /** Inserted orders {@code 1..count}, one intent each. */
    static List<Intent> inserts(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(id -> order(id, Operation.INSERT, id)).toList();
    }

    /** An intent whose encoding is about {@code bytes} long: a text key of that length. */
    static Intent withKeyOfLength(String table, int bytes) {
        return new Intent("shop", table, EntityKey.of("code", "k".repeat(bytes)), Operation.UPDATE,
                new VersionHint.Postgres(1, 2), CAPTURED);
    }
}
