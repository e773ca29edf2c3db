package dev.wail.core.pipeline;

import dev.wail.core.coalesce.CoalescedIntent;
import dev.wail.core.coalesce.Coalescer;
import dev.wail.core.coalesce.DeliveredIntent;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consumer's recipe for one batch of messages: decode -> route to a configured table -> coalesce per entity ->
 * hydrate from the source -> write the sink -> one outcome per message.
 *
 * <p>A problem stays with the messages it concerns: a malformed message or an unconfigured table rejects only its
 * own messages, a failed table retries only the messages that carried that table's intents.
 */
public final class ConsumerPipeline {

    private final IntentCodec codec;
    private final TableRegistry registry;
    private final Hydrator hydrator;
    private final Sink sink;

    public ConsumerPipeline(IntentCodec codec, TableRegistry registry, Hydrator hydrator, Sink sink) {
        this.codec = codec;
        this.registry = registry;
        this.hydrator = hydrator;
        this.sink = sink;
    }

    /** @return one outcome per message, in the order given; never fails (failures become outcomes). */
    public Uni<List<MessageOutcome>> process(List<InboundMessage> messages) {
        Map<String, MessageOutcome> outcomes = new LinkedHashMap<>();
        Map<TableBinding, List<DeliveredIntent>> byTable = new LinkedHashMap<>();
        for (InboundMessage message : messages) {
            outcomes.put(message.id(), MessageOutcome.done(message.id()));
            route(message, byTable, outcomes);
        }
        List<Uni<List<MessageOutcome>>> tables = new ArrayList<>(byTable.size());
        byTable.forEach((table, delivered) -> tables.add(processTable(table, Coalescer.coalesce(delivered))));
        if (tables.isEmpty()) {
            return Uni.createFrom().item(List.copyOf(outcomes.values()));
        }
        return Uni.join().all(tables).andFailFast().map(perTable -> {
            perTable.forEach(failures -> failures.forEach(f -> outcomes.merge(f.messageId(), f, MessageOutcome::worse)));
            return List.copyOf(outcomes.values());
        });
    }

    private void route(InboundMessage message, Map<TableBinding, List<DeliveredIntent>> byTable,
            Map<String, MessageOutcome> outcomes) {
        List<Intent> intents;
        try {
            intents = codec.decodeAll(message.body());
        } catch (IntentFormatException malformed) {
            outcomes.put(message.id(), new MessageOutcome(message.id(), Status.REJECTED,
                    "malformed intent: " + malformed.getMessage()));
            return;
        }
        for (Intent intent : intents) {
            TableBinding table = registry.find(intent.source(), intent.table()).orElse(null);
            if (table == null) {
                outcomes.merge(message.id(), new MessageOutcome(message.id(), Status.REJECTED,
                        "table not configured: " + intent.source() + "/" + intent.table()), MessageOutcome::worse);
            } else {
                byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(new DeliveredIntent(message.id(), intent));
            }
        }
    }

    /** Hydrates and writes one table's entities; a failure retries every message that carried one of them. */
    private Uni<List<MessageOutcome>> processTable(TableBinding table, List<CoalescedIntent> entities) {
        List<EntityKey> keys = entities.stream().map(c -> c.latest().key()).toList();
        return hydrator.read(table, keys)
                .chain(states -> sink.write(table, states))
                .replaceWith(List.<MessageOutcome>of())
                .onFailure().recoverWithItem(failure -> retryAll(table, entities, failure));
    }

    private static List<MessageOutcome> retryAll(TableBinding table, List<CoalescedIntent> entities, Throwable failure) {
        String reason = "table " + table.qualifiedName() + " failed: " + failure;
        return entities.stream()
                .flatMap(entity -> entity.messageIds().stream())
                .distinct()
                .map(id -> new MessageOutcome(id, Status.RETRY, reason))
                .toList();
    }
}
