package dev.wail.core.coalesce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.intent.Entity;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoalescerTest {

    private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

    private static Intent pg(String table, long id, Operation op, long txid, long lsn) {
        return new Intent("shop", table, EntityKey.of("id", id), op, new VersionHint.Postgres(txid, lsn),
                T0.plusMillis(lsn));
    }

    @Test
    void keepsTheNewestIntentPerEntityAndEveryMessageIdItStandsFor() {
        Intent insert = pg("orders", 1, Operation.INSERT, 100, 10);
        Intent paid = pg("orders", 1, Operation.UPDATE, 101, 20);
        Intent shipped = pg("orders", 1, Operation.UPDATE, 99, 30); // older txid, later WAL position: it is newer
        Intent other = pg("orders", 2, Operation.INSERT, 102, 15);
        Intent sameKeyOtherTable = pg("customers", 1, Operation.UPDATE, 103, 5);

        List<CoalescedIntent> result = Coalescer.coalesce(List.of(
                new DeliveredIntent("m3", shipped), new DeliveredIntent("m1", insert),
                new DeliveredIntent("m2", paid), new DeliveredIntent("m4", other),
                new DeliveredIntent("m2", sameKeyOtherTable)));

        assertThat(result).hasSize(3);
        assertThat(result.get(0).latest()).isEqualTo(sameKeyOtherTable);
        assertThat(result.get(0).messageIds()).containsExactly("m2");
        assertThat(result.get(1).latest()).isEqualTo(shipped);
        assertThat(result.get(1).members()).containsExactly(insert, paid, shipped);
        assertThat(result.get(1).messageIds()).containsExactly("m1", "m2", "m3");
        assertThat(result.get(2).latest()).isEqualTo(other);
        assertThat(result.get(2).messageIds()).containsExactly("m4");
    }

    @Test
    void aDeleteAtTheSamePositionOutranksAnUpdateAndDuplicatesCollapse() {
        Instant at = T0;
        Intent update = new Intent("ddb", "items", EntityKey.of("pk", "a"), Operation.UPDATE, VersionHint.NONE, at);
        Intent delete = new Intent("ddb", "items", EntityKey.of("pk", "a"), Operation.DELETE, VersionHint.NONE, at);

        List<CoalescedIntent> result = Coalescer.coalesce(List.of(
                new DeliveredIntent("b", delete), new DeliveredIntent("a", update), new DeliveredIntent("c", delete)));

        assertThat(result).singleElement().satisfies(c -> {
            assertThat(c.latest()).isEqualTo(delete);
            assertThat(c.members()).containsExactly(update, delete, delete);
            assertThat(c.messageIds()).containsExactly("a", "b", "c");
        });
    }

    @Test
    void streamSequenceNumbersDecideForDynamoDbIntents() {
        Intent older = new Intent("ddb", "items", EntityKey.of("pk", "a"), Operation.UPDATE,
                VersionHint.StreamSequence.of("900"), T0.plusSeconds(5)); // later clock, earlier in the stream
        Intent newer = new Intent("ddb", "items", EntityKey.of("pk", "a"), Operation.DELETE,
                VersionHint.StreamSequence.of("1000"), T0);

        assertThat(Coalescer.coalesce(List.of(new DeliveredIntent("2", newer), new DeliveredIntent("1", older))))
                .singleElement().extracting(CoalescedIntent::latest).isEqualTo(newer);
    }

    @Test
    void emptyBatchGivesNothing() {
        assertThat(Coalescer.coalesce(List.of())).isEmpty();
    }

    /**
     * Random batches with hot keys, duplicates and packed messages, each coalesced in many shuffled orders: the
     * result must be identical every time, hold one survivor per entity that is the maximum of its intents, and
     * account for every message exactly where its intents went.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026, 31337, 777_777})
    void resultIsTheSameForEveryOrderOfTheSameBatch(long seed) {
        Random random = new Random(seed);
        List<DeliveredIntent> batch = randomBatch(random, 400);
        List<CoalescedIntent> expected = Coalescer.coalesce(batch);

        for (int round = 0; round < 50; round++) {
            List<DeliveredIntent> shuffled = new ArrayList<>(batch);
            Collections.shuffle(shuffled, random);
            assertThat(Coalescer.coalesce(shuffled)).isEqualTo(expected);
        }
        assertInvariants(batch, expected);
    }

    private static void assertInvariants(List<DeliveredIntent> batch, List<CoalescedIntent> result) {
        Map<Entity, Intent> newest = new HashMap<>();
        Map<Entity, Set<String>> messages = new HashMap<>();
        for (DeliveredIntent d : batch) {
            newest.merge(d.intent().entity(), d.intent(), (a, b) -> Intent.RECENCY.compare(a, b) >= 0 ? a : b);
            messages.computeIfAbsent(d.intent().entity(), e -> new HashSet<>()).add(d.messageId());
        }
        assertThat(result).extracting(CoalescedIntent::entity).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(newest.keySet()).isSorted();
        for (CoalescedIntent c : result) {
            assertThat(c.latest()).isEqualTo(newest.get(c.entity()));
            assertThat(c.messageIds()).containsExactlyInAnyOrderElementsOf(messages.get(c.entity()));
            assertThat(c.members()).allSatisfy(m -> assertThat(m.entity()).isEqualTo(c.entity()));
            assertThat(c.deliveries()).extracting(DeliveredIntent::intent)
                    .containsExactlyInAnyOrderElementsOf(c.members());
        }
        assertThat(result.stream().mapToInt(c -> c.members().size()).sum()).isEqualTo(batch.size());
    }

    private static List<DeliveredIntent> randomBatch(Random random, int size) {
        Operation[] ops = Operation.values();
        List<DeliveredIntent> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            boolean hot = random.nextInt(10) < 7;
            long id = hot ? random.nextInt(5) : random.nextInt(1_000);
            EntityKey key = random.nextBoolean() ? EntityKey.of("id", id)
                    : EntityKey.builder().add("tenant", "t" + (id % 3)).add("id", id).build();
            VersionHint version = random.nextInt(8) == 0 ? VersionHint.NONE
                    : new VersionHint.Postgres(random.nextInt(50), random.nextInt(40));
            Intent intent = new Intent("shop", random.nextBoolean() ? "orders" : "audit.orders", key,
                    ops[random.nextInt(ops.length)], version, T0.plusMillis(random.nextInt(20)));
            // About one message in four carries several intents, like a packed SQS message.
            String messageId = "m" + (random.nextInt(4) == 0 ? random.nextInt(size / 4) : size + i);
            batch.add(new DeliveredIntent(messageId, intent, i)); // i: a distinct position in its message
            if (random.nextInt(10) == 0) {
                batch.add(new DeliveredIntent("dup" + i, intent)); // the log delivered it twice
            }
        }
        return batch;
    }
}
