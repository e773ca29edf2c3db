package dev.wail.consumer.postgres;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.KeyCheck;
import dev.wail.core.pipeline.Source;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TransactionStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A PostgreSQL (or Aurora PostgreSQL) source with a writer endpoint and an optional reader endpoint.
 *
 * <p><b>Verification</b> asks the writer for {@code pg_xact_status} of each transaction id.
 *
 * <p><b>Progressive consistency.</b> A read goes to the reader first and is used only if the reader provably is
 * recent enough: its replay position, probed before the read, has reached the position the sink recorded for these
 * entities (so the read cannot be older than what the sink holds), and the read's own snapshot sees every committed
 * transaction the intents announced (so it contains the changes the intents are about). Otherwise the same read goes
 * to the writer, whose answer is current by definition: at most one reader attempt, then the writer. A reader that
 * cannot be reached is passed over for the writer too: replicas come and go, the batch should not wait for them.
 * A reader of another history than the sink's ({@link Freshness#history}: a replica still attached to a replaced
 * cluster) is passed over as well.
 *
 * <p><b>Positions a snapshot includes.</b> Every read, on either endpoint, is used only if its snapshot sees every
 * commit below the position it reports (see {@link PgHydrator}): without that check a writer read could report a
 * higher position than an earlier reader read while missing the commit that reader saw (a commit waiting for a
 * synchronous standby is committed in the commit log and replayed on asynchronous replicas before it is visible on
 * the primary), and the sink would take the older state. A writer read that fails the check is repeated a few
 * times, then the call fails and the batch is retried. Writer reads are marked {@link SourceSnapshot#current}. The
 * check needs to see other roles' sessions: when the writer has {@code synchronous_standby_names} set and the
 * source's role lacks {@code pg_read_all_stats} (or {@code pg_monitor}), the reader is not used at all (said once at
 * WARN; asked again every minute), since reads of the writer alone cannot regress one another.
 *
 * <p><b>Definition changes.</b> Each endpoint's {@link PgHydrator} reloads what it cached of a table when the
 * table's definition changed (see there). A key the cached key types reject is checked once more against the
 * catalog's current types before its intent is rejected (one catalog query per batch that holds such a key). When
 * the configuration no longer fits the source table, the reason ({@link ConfigurationMismatchException}) is logged at ERROR
 * and reported to {@link PgSchemaEvents#configurationMismatch} on every batch it fails, and the batch's messages are
 * retried: they go through once the DDL is reverted or the configuration updated.
 */
public final class PgSource implements Source {

    private static final Logger LOG = Logger.getLogger(PgSource.class);
    private static final Uni<Optional<SourceSnapshot>> NOT_READ = Uni.createFrom().item(Optional.empty());
    /** Writer reads made before giving up on a snapshot that does not see everything below its position. */
    private static final int WRITER_ATTEMPTS = 3;
    /** Whether a writer read can tell commits waiting for synchronous standbys (see the class comment). */
    private static final String SEES_SYNC_WAITS = "SELECT current_setting('synchronous_standby_names') = ''"
            + " OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')";
    private static final Duration SYNC_WAITS_RECHECK = Duration.ofMinutes(1);

    private static final String TRANSACTION_STATUS =
            "SELECT x::text, pg_xact_status(x) FROM unnest($1::text[]::xid8[]) x";
    /** What {@code pg_xact_status} raises for an id the server has not assigned yet ("... is in the future"). */
    private static final String INVALID_PARAMETER_VALUE = "22023";

    private final String name;
    private final PgHydrator writer;
    private final Pool writerPool;
    private final Optional<PgHydrator> reader;
    private final Uni<Boolean> writerSeesSyncWaits;
    private final AtomicBoolean warnedBlindToSyncWaits = new AtomicBoolean();

    private final PgSchemaEvents events;

    public PgSource(String name, Pool writerPool, Optional<Pool> readerPool) {
        this(name, writerPool, readerPool, PgSchemaEvents.NONE);
    }

    /** @param events told of reloads of a table's cached definition and of configurations that no longer fit */
    public PgSource(String name, Pool writerPool, Optional<Pool> readerPool, PgSchemaEvents events) {
        this.name = name;
        this.writerPool = writerPool;
        this.events = events;
        this.writer = new PgHydrator(writerPool, events);
        this.reader = readerPool.map(pool -> new PgHydrator(pool, events));
        this.writerSeesSyncWaits = writerPool.query(SEES_SYNC_WAITS).execute()
                .map(rows -> rows.iterator().next().getBoolean(0))
                .memoize().atLeast(SYNC_WAITS_RECHECK);
    }

    @Override
    public Uni<Map<Long, TransactionStatus>> transactionStatus(Set<Long> transactionIds) {
        if (transactionIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return statusOf(transactionIds).onFailure(PgSource::notAssignedYet)
                .recoverWithUni(() -> statusOfEach(transactionIds));
    }

    private Uni<Map<Long, TransactionStatus>> statusOf(Set<Long> transactionIds) {
        String[] ids = transactionIds.stream().map(Long::toUnsignedString).toArray(String[]::new);
        return writerPool.preparedQuery(TRANSACTION_STATUS).execute(Tuple.of(ids)).map(rows -> {
            Map<Long, TransactionStatus> statuses = new HashMap<>();
            for (Row row : rows) {
                statuses.put(Long.parseUnsignedLong(row.getString(0)), status(row.getString(1)));
            }
            return statuses;
        });
    }

    /**
     * The slow path, only for batches holding an id the server never assigned (an intent from another cluster, or a
     * forged one): one query per id, so that only that id is judged {@link TransactionStatus#UNKNOWN}.
     */
    private Uni<Map<Long, TransactionStatus>> statusOfEach(Set<Long> transactionIds) {
        return Multi.createFrom().iterable(transactionIds)
                .onItem().transformToUniAndConcatenate(id -> statusOf(Set.of(id)).onFailure(PgSource::notAssignedYet)
                        .recoverWithItem(() -> Map.of(id, TransactionStatus.UNKNOWN)))
                .collect().in(HashMap<Long, TransactionStatus>::new, Map::putAll)
                .map(Map::copyOf);
    }

    private static boolean notAssignedYet(Throwable failure) {
        return failure instanceof PgException pg && INVALID_PARAMETER_VALUE.equals(pg.getSqlState());
    }

    /** {@code null} means the id is older than the server's commit log keeps: long finished, a read now is safe. */
    private static TransactionStatus status(String pgStatus) {
        if (pgStatus == null) {
            return TransactionStatus.COMMITTED;
        }
        return switch (pgStatus) {
            case "committed" -> TransactionStatus.COMMITTED;
            case "aborted" -> TransactionStatus.ABORTED;
            case "in progress" -> TransactionStatus.IN_PROGRESS;
            default -> throw new IllegalStateException("pg_xact_status returned '" + pgStatus + "'");
        };
    }

    /** Canonical keys and invalid ones from the key columns' types, which the writer's catalog gives once a table. */
    @Override
    public Uni<KeyCheck> keys(TableBinding table, List<EntityKey> keys) {
        Uni<PgKeyCodec> cached = writer.keyCodec(table);
        return cached.chain(codec -> {
            KeyCheck check = codec.check(keys);
            if (check.problems().isEmpty()) {
                return Uni.createFrom().item(check);
            }
            // The key types may have changed under a warm instance (integer to bigint) without a capture version
            // telling: ask the catalog before rejecting.
            return writer.reloadIfChanged(table, cached, "keys failed the cached key types: " + check.problems())
                    .chain(reloaded -> reloaded ? writer.keyCodec(table).map(fresh -> fresh.check(keys))
                            : Uni.createFrom().item(check));
        }).onFailure(ConfigurationMismatchException.class).invoke(this::reportMismatch);
    }

    /** Both endpoints drop what they cached of the table if the capture version is newer (see {@link PgHydrator}). */
    @Override
    public void captureVersionSeen(TableBinding table, int captureVersion) {
        writer.captureVersionSeen(table, captureVersion);
        reader.ifPresent(replica -> replica.captureVersionSeen(table, captureVersion));
    }

    private void reportMismatch(Throwable failure) {
        ConfigurationMismatchException mismatch = (ConfigurationMismatchException) failure;
        LOG.errorf("%s; the messages of the table are retried until then", mismatch.getMessage());
        events.configurationMismatch(mismatch.table(), mismatch.getMessage());
    }

    @Override
    public Uni<SourceSnapshot> read(TableBinding table, List<EntityKey> keys, Freshness freshness) {
        return reader.map(replica -> readerAllowed().chain(allowed -> allowed
                        ? fromReader(replica, table, keys, freshness)
                        : passOver(table, "the writer's synchronous commits are invisible to this role")))
                .orElse(NOT_READ)
                .chain(snapshot -> snapshot.isPresent() ? Uni.createFrom().item(snapshot.get())
                        : fromWriter(table, keys, freshness));
    }

    /** The reader's answer if it provably is recent enough; empty (and why, in the debug log) otherwise. */
    private Uni<Optional<SourceSnapshot>> fromReader(PgHydrator replica, TableBinding table, List<EntityKey> keys,
            Freshness freshness) {
        Uni<Boolean> caughtUp = freshness.minPosition() == 0 ? Uni.createFrom().item(true)
                : replica.position().map(position -> position >= freshness.minPosition());
        return caughtUp.chain(ready -> {
            if (!ready) {
                return passOver(table, "the reader is behind the sink's position " + freshness.minPosition());
            }
            return replica.read(table, keys, freshness.committedTransactions()).chain(read -> {
                if (otherHistory(read.snapshot(), freshness)) {
                    return passOver(table, "the reader is a replica of history " + read.snapshot().history().get()
                            + ", the sink follows " + freshness.history().get());
                }
                return read.sawTransactions() && read.snapshot().position() >= freshness.minPosition()
                        ? Uni.createFrom().item(Optional.of(read.snapshot()))
                        : passOver(table, "the reader does not see every committed change");
            });
        }).onFailure().recoverWithUni(failure -> passOver(table, "the reader failed: " + failure));
    }

    private Uni<Boolean> readerAllowed() {
        return writerSeesSyncWaits.invoke(sees -> {
            if (!sees && warnedBlindToSyncWaits.compareAndSet(false, true)) {
                LOG.warnf("source %s: the writer has synchronous_standby_names set and this role cannot see which "
                        + "commits wait for a synchronous standby; the reader is not used, every read goes to the "
                        + "writer. GRANT pg_read_all_stats (or pg_monitor) to the role to use the reader.", name);
            }
        }).onFailure().recoverWithItem(false);
    }

    private Uni<Optional<SourceSnapshot>> passOver(TableBinding table, String why) {
        LOG.debugf("source %s, table %s: reading from the writer: %s", name, table.table(), why);
        return NOT_READ;
    }

    private static boolean otherHistory(SourceSnapshot snapshot, Freshness freshness) {
        return snapshot.history().isPresent() && freshness.history().isPresent()
                && !snapshot.history().equals(freshness.history());
    }

    /**
     * The writer is current, with one exception worth a check: PostgreSQL marks a transaction committed in its commit
     * log a moment before it becomes visible to new snapshots (for as long as synchronous replication makes it wait),
     * so a read right after verification can miss it, or miss a commit a replica already showed the sink. Such a read
     * is repeated, then fails (and the batch is retried) rather than writing a state older than its position claims.
     */
    private Uni<SourceSnapshot> fromWriter(TableBinding table, List<EntityKey> keys, Freshness freshness) {
        return Uni.createFrom().deferred(() -> writer.read(table, keys, freshness.committedTransactions()))
                .map(read -> {
                    if (!read.sawTransactions()) {
                        throw new SnapshotBehind("source " + name + ", table " + table.table() + ": a transaction "
                                + "committed in the writer's commit log is not visible yet to its new snapshots "
                                + "(waiting for a synchronous standby?); the read is retried");
                    }
                    return read.snapshot().fromCurrentEndpoint();
                })
                .onFailure(SnapshotBehind.class).retry().atMost(WRITER_ATTEMPTS - 1)
                .onFailure(ConfigurationMismatchException.class).invoke(this::reportMismatch);
    }

    /** A writer read whose snapshot misses a commit below its position: repeated, then reported. */
    private static final class SnapshotBehind extends IllegalStateException {
        SnapshotBehind(String message) {
            super(message);
        }
    }
}
