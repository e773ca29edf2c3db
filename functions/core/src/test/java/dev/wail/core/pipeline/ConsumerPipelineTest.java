package dev.wail.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.wire.IntentCodec;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The recipe's routing and outcomes, over a source and a sink that are plain maps. The real PostgreSQL hydrator and
 * sink are tested on an embedded server in the consumer module.
 */
class ConsumerPipelineTest {

    private static final TableBinding ORDERS = new TableBinding("shop", "orders", List.of("id"),
            List.of("id", "status"), Optional.empty(), "read_model.orders");
    private static final TableBinding PAYMENTS = new TableBinding("shop", "payments", List.of("id"),
            List.of("id", "amount"), Optional.empty(), "read_model.payments");

    private final Map<String, Map<EntityKey, String>> source = new HashMap<>();
    private final Map<String, Map<EntityKey, String>> sink = new HashMap<>();
    private final List<String> hydrationCalls = new ArrayList<>();
    private String failingTable;

    private final Hydrator mapHydrator = (table, keys) -> {
        hydrationCalls.add(table.table() + keys);
        if (table.table().equals(failingTable)) {
            return Uni.createFrom().failure(new IllegalStateException("connection refused"));
        }
        Map<EntityKey, String> rows = source.getOrDefault(table.table(), Map.of());
        return Uni.createFrom().item(keys.stream()
                .map(k -> rows.containsKey(k) ? EntityState.present(k, rows.get(k)) : EntityState.absent(k))
                .toList());
    };
    private final Sink mapSink = (table, states) -> {
        Map<EntityKey, String> rows = sink.computeIfAbsent(table.sinkTable(), t -> new HashMap<>());
        states.forEach(s -> {
            if (s.exists()) {
                rows.put(s.key(), s.document());
            } else {
                rows.remove(s.key());
            }
        });
        return Uni.createFrom().voidItem();
    };
    private final ConsumerPipeline pipeline = new ConsumerPipeline(IntentCodec.DEFAULT,
            new TableRegistry(List.of(ORDERS, PAYMENTS)), mapHydrator, mapSink);

    private static String intent(String table, long id, Operation op, long lsn) {
        return IntentCodec.DEFAULT.encodeToString(new Intent("shop", table, EntityKey.of("id", id), op,
                new VersionHint.Postgres(lsn, lsn), Instant.EPOCH));
    }

    @Test
    void coalescesHydratesOncePerTableAndWritesCurrentState() {
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1,\"status\":\"shipped\"}"));

        List<MessageOutcome> outcomes = pipeline.process(List.of(
                new InboundMessage("a", intent("orders", 1, Operation.INSERT, 1)),
                new InboundMessage("b", intent("orders", 1, Operation.UPDATE, 2)),
                new InboundMessage("c", intent("orders", 2, Operation.DELETE, 3)))).await().indefinitely();

        assertThat(outcomes).extracting(MessageOutcome::status).containsExactly(Status.DONE, Status.DONE, Status.DONE);
        assertThat(hydrationCalls).containsExactly("orders[{id=1}, {id=2}]");
        assertThat(sink.get("read_model.orders")).containsExactly(
                Map.entry(EntityKey.of("id", 1L), "{\"id\":1,\"status\":\"shipped\"}"));
    }

    @Test
    void badMessagesAreRejectedWithReasonsWhileTheirNeighboursSucceed() {
        source.put("orders", Map.of(EntityKey.of("id", 7L), "{\"id\":7}"));

        List<MessageOutcome> outcomes = pipeline.process(List.of(
                new InboundMessage("garbage", "{not json"),
                new InboundMessage("good", intent("orders", 7, Operation.UPDATE, 1)),
                new InboundMessage("unknown", intent("audit_log", 7, Operation.UPDATE, 2)))).await().indefinitely();

        assertThat(outcomes).containsExactly(
                new MessageOutcome("garbage", Status.REJECTED,
                        "malformed intent: malformed JSON at line 1, column 2: Unexpected character ('n' (code 110)):"
                                + " was expecting double-quote to start field name"),
                MessageOutcome.done("good"),
                new MessageOutcome("unknown", Status.REJECTED, "table not configured: shop/audit_log"));
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 7L));
    }

    @Test
    void aFailingTableRetriesOnlyTheMessagesThatCarriedIt() {
        failingTable = "payments";
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));
        String packed = "[" + intent("orders", 1, Operation.UPDATE, 1) + "," + intent("payments", 9, Operation.INSERT, 2)
                + "]";

        List<MessageOutcome> outcomes = pipeline.process(List.of(
                new InboundMessage("orders-only", intent("orders", 1, Operation.UPDATE, 3)),
                new InboundMessage("both", packed))).await().indefinitely();

        assertThat(outcomes.get(0)).isEqualTo(MessageOutcome.done("orders-only"));
        assertThat(outcomes.get(1).status()).isEqualTo(Status.RETRY);
        assertThat(outcomes.get(1).reason())
                .isEqualTo("table shop/payments failed: java.lang.IllegalStateException: connection refused");
        assertThat(sink.get("read_model.orders")).containsKey(EntityKey.of("id", 1L));
    }
}
