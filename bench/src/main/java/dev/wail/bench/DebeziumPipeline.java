package dev.wail.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.embedded.EmbeddedPostgresServer;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.awaitility.Awaitility;

/**
 * Debezium's embedded engine with the PostgreSQL connector ({@code pgoutput}), writing to the same
 * {@link PgReadModelSink} as wail. Each change event is turned into JSON by Kafka Connect's {@link JsonConverter}
 * exactly as Debezium Server puts it on a log (schemas off; every 50th event is also converted with schemas on, to
 * measure that size), its {@code after} becomes the entity's state document and a delete an absent state. One
 * {@code handleBatch} is one sink refresh at the batch's newest LSN, split by key hash over
 * {@link DebeziumSettings#sinkWriters()} refreshes in flight at once; the last event of a key in a batch wins, since
 * one statement cannot write a row twice.
 */
final class DebeziumPipeline implements Pipeline {

    private static final int SCHEMA_SAMPLE_EVERY = 50;
    private static final String SLOT = "wail_bench_debezium";
    private static final String STREAMING_METRICS = "debezium.postgres:type=connector-metrics,context=streaming,*";

    private final EmbeddedPostgresServer postgres;
    private final DebeziumSettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final JsonConverter schemaless = converter(false);
    private final JsonConverter withSchema = converter(true);
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong schemalessBytes = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong withSchemaBytes = new AtomicLong();
    private static final String BATCH = "handleBatch: JSON conversion + one sink refresh, events";
    private static final String REFRESH = "  of which the sink refresh (its writers in parallel), rows";
    private final StageClock clock = new StageClock().stage(BATCH, 1, false).stage(REFRESH, 1, false);
    private final ThreadRoles roles = new ThreadRoles(Map.of(
            "debezium-postgresconnector-bench-change-event-source-coordinator",
            "Debezium connector: reads the replication stream, builds change records",
            "Debezium Streaming", "server: walsender, logical decoding with pgoutput",
            "debezium-sink", "server: the sink's connections (sink writes)",
            OrderTraffic.APPLICATION, "server: the workload's connections"));
    private final ExecutorService engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium"));
    private EmbeddedPostgresServer.ReactivePool reactive;
    private PgReadModelSink sink;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    DebeziumPipeline(EmbeddedPostgresServer postgres, DebeziumSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    @Override
    public String name() {
        return "debezium";
    }

    @Override
    public void start() {
        reactive = postgres.openReactivePool(settings.sinkWriters() + 1, "debezium-sink");
        sink = new PgReadModelSink(reactive.pool());
        engine = DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(properties())
                .notifying(this::handleBatch)
                .build();
        engineThread.execute(engine);
        // Capture is live once the connector streams from its slot; changes before that would be missed.
        Awaitility.await("Debezium streaming from its slot").atMost(java.time.Duration.ofSeconds(60))
                .until(() -> "true".equals(postgres.queryString("SELECT coalesce(bool_or(active), false)::text"
                        + " FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'")));
    }

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("name", "wail-bench");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(postgres.port()));
        p.setProperty("database.user", EmbeddedPostgresServer.USER);
        p.setProperty("database.password", "postgres");
        p.setProperty("database.dbname", EmbeddedPostgresServer.DATABASE);
        p.setProperty("topic.prefix", "bench");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", SLOT);
        p.setProperty("slot.drop.on.stop", "true");
        p.setProperty("publication.name", "wail_bench_publication");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", BenchSchema.SOURCE_TABLE);
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("tombstones.on.delete", "false");
        // The same idle pause the wail side's outbox drain uses; Debezium's default is 500 ms.
        p.setProperty("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
        // At least as big as wail's largest consumer batch (DebeziumSettings.fairTo); the defaults otherwise.
        p.setProperty("max.batch.size", Integer.toString(settings.maxBatchSize()));
        p.setProperty("max.queue.size", Integer.toString(settings.maxQueueSize()));
        return p;
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        roles.note("handleBatch: JSON conversion, then one sink refresh per batch");
        clock.time(BATCH, () -> writeBatch(records), size -> records.size());
        for (RecordChangeEvent<SourceRecord> change : records) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /** The batch's last state of each key, written in one refresh at the batch's newest LSN; returns the events. */
    private int writeBatch(List<RecordChangeEvent<SourceRecord>> records) {
        Map<Long, EntityState> states = new LinkedHashMap<>();
        long position = 0;
        for (RecordChangeEvent<SourceRecord> change : records) {
            SourceRecord record = change.record();
            if (record.value() != null) {
                JsonNode event = toLogJson(record);
                long id = event.path("after").isObject() ? event.get("after").get("id").asLong()
                        : event.get("before").get("id").asLong();
                EntityKey key = EntityKey.of("id", id);
                states.remove(id); // keep insertion order = last change of the key
                states.put(id, event.path("after").isObject()
                        ? EntityState.present(key, event.get("after").toString()) : EntityState.absent(key));
                position = Math.max(position, event.get("source").get("lsn").asLong());
            }
        }
        if (!states.isEmpty()) {
            List<EntityState> latest = new ArrayList<>(states.values());
            long newest = position;
            clock.time(REFRESH, () -> write(latest, newest), written -> latest.size());
        }
        return records.size();
    }

    /** Writes the states, split by key hash over the sink writers, all at the batch's newest position. */
    private Void write(List<EntityState> states, long position) {
        List<List<EntityState>> parts = new ArrayList<>();
        for (int w = 0; w < settings.sinkWriters(); w++) {
            parts.add(new ArrayList<>());
        }
        for (EntityState state : states) {
            parts.get(Math.floorMod(state.key().hashCode(), parts.size())).add(state);
        }
        List<Uni<Map<EntityKey, String>>> writes = parts.stream().filter(part -> !part.isEmpty())
                .map(part -> refresh(part, position)).toList();
        Uni.join().all(writes).andFailFast().await().indefinitely();
        return null;
    }

    private Uni<Map<EntityKey, String>> refresh(List<EntityState> states, long position) {
        List<EntityKey> keys = states.stream().map(EntityState::key).toList();
        SourceSnapshot snapshot = new SourceSnapshot(states, position);
        return sink.refresh(WailPipeline.ORDERS, keys, (requested, floor) -> Uni.createFrom().item(snapshot))
                .invoke(() -> roles.note("Vert.x event loop: PostgreSQL client I/O of the sink"));
    }

    /** The event as Debezium Server would put it on a log, counted; parsed back to read {@code after}. */
    private JsonNode toLogJson(SourceRecord record) {
        byte[] value = schemaless.fromConnectData(record.topic(), record.valueSchema(), record.value());
        byte[] key = schemaless.fromConnectData(record.topic(), record.keySchema(), record.key());
        schemalessBytes.addAndGet(value.length + key.length);
        if (events.getAndIncrement() % SCHEMA_SAMPLE_EVERY == 0) {
            sampled.incrementAndGet();
            withSchemaBytes.addAndGet(withSchema.fromConnectData(record.topic(), record.valueSchema(), record.value())
                    .length + withSchema.fromConnectData(record.topic(), record.keySchema(), record.key()).length);
        }
        try {
            return json.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException("Debezium produced JSON that does not parse", e);
        }
    }

    private static JsonConverter converter(boolean schemas) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", Boolean.toString(schemas), "converter.type", "value"));
        return converter;
    }

    @Override
    public Map<String, Double> bytesPerChange() {
        long count = events.get();
        long samples = sampled.get();
        return Map.of("Debezium JSON, no schema (key + value)", count == 0 ? 0.0 : (double) schemalessBytes.get() / count,
                "Debezium JSON, with schema (key + value)", samples == 0 ? 0.0 : (double) withSchemaBytes.get() / samples);
    }

    @Override
    public Map<String, Long> queueDepths(Statement sql) throws SQLException {
        Map<String, Long> depths = new LinkedHashMap<>();
        depths.put("slot lag (WAL bytes not confirmed)", Probe.number(sql, "SELECT coalesce(sum(pg_current_wal_lsn()"
                + " - confirmed_flush_lsn), 0)::bigint FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'"));
        depths.put("engine queue (events)", engineQueueDepth());
        return depths;
    }

    /** Events read from the slot and not yet handed to {@link #handleBatch}: Debezium's own queue, from its MBean. */
    private static long engineQueueDepth() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName(STREAMING_METRICS), null)) {
                return ((Number) server.getAttribute(name, "QueueTotalCapacity")).longValue()
                        - ((Number) server.getAttribute(name, "QueueRemainingCapacity")).longValue();
            }
            return -1;
        } catch (JMException e) {
            throw new IllegalStateException("Debezium's streaming metrics are not readable: " + e.getMessage(), e);
        }
    }

    @Override
    public Instruments instruments() {
        return new Instruments(clock, roles);
    }

    @Override
    public void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
        engineThread.shutdown();
        engineThread.awaitTermination(30, TimeUnit.SECONDS);
        if (reactive != null) {
            reactive.close();
        }
    }
}
