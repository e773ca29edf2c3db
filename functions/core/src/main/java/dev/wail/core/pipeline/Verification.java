package dev.wail.core.pipeline;

import dev.wail.core.coalesce.CoalescedIntent;
import dev.wail.core.coalesce.DeliveredIntent;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.VersionHint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Write-ahead verification of one table's intents, from the status of the transactions that wrote them.
 *
 * <p>First, per intent and before coalescing: an intent naming a transaction the source never assigned (another
 * cluster's, or a forged id) can never be verified; its messages are rejected with the reason
 * ({@link #unknownTransaction}) and it takes no part in coalescing, so it can neither hold back nor absorb a committed
 * intent of the same key. Then, per coalesced entity, an entity is
 * <ul>
 *   <li><b>pending</b> if any of its intents comes from a transaction still in progress: its change is not visible
 *       yet, so its messages are delivered again later;</li>
 *   <li><b>aborted</b> if every one of its intents comes from a rolled-back transaction: nothing changed, it is
 *       dropped (and counted); another intent announces any committed change;</li>
 *   <li>otherwise <b>refreshed</b>: read from the source and written to the sink.</li>
 * </ul>
 * Intents without a transaction id (DynamoDB, backfills) count as committed.
 */
record Verification(
        List<CoalescedIntent> refresh,
        List<CoalescedIntent> pending,
        List<CoalescedIntent> aborted,
        Set<Long> committedTransactions) {

    static Set<Long> transactionIds(List<DeliveredIntent> intents) {
        Set<Long> ids = new HashSet<>();
        for (DeliveredIntent delivered : intents) {
            if (delivered.intent().version() instanceof VersionHint.Postgres postgres) {
                ids.add(postgres.transactionId());
            }
        }
        return ids;
    }

    /** @return why the intent can never be verified (its transaction is unknown to the source), or empty */
    static Optional<String> unknownTransaction(Intent intent, Map<Long, TransactionStatus> statuses) {
        if (statusOf(intent, statuses) != TransactionStatus.UNKNOWN) {
            return Optional.empty();
        }
        return Optional.of("transaction " + Long.toUnsignedString(((VersionHint.Postgres) intent.version())
                .transactionId()) + " of " + intent.entity() + " is unknown to its source (never assigned there: is"
                + " the source's endpoint the right cluster?)");
    }

    /** @param entities coalesced from intents none of which has an {@link #unknownTransaction} */
    static Verification of(List<CoalescedIntent> entities, Map<Long, TransactionStatus> statuses) {
        List<CoalescedIntent> refresh = new ArrayList<>();
        List<CoalescedIntent> pending = new ArrayList<>();
        List<CoalescedIntent> aborted = new ArrayList<>();
        Set<Long> committed = new HashSet<>();
        for (CoalescedIntent entity : entities) {
            boolean anyPending = false;
            boolean allAborted = true;
            for (Intent member : entity.members()) {
                TransactionStatus status = statusOf(member, statuses);
                if (status == TransactionStatus.UNKNOWN) {
                    throw new IllegalArgumentException("intents of unknown transactions are set aside before "
                            + "coalescing: " + entity.entity());
                }
                anyPending |= status == TransactionStatus.IN_PROGRESS;
                allAborted &= status == TransactionStatus.ABORTED;
            }
            if (anyPending) {
                pending.add(entity);
            } else if (allAborted) {
                aborted.add(entity);
            } else {
                refresh.add(entity);
                committedTransactionsOf(entity, statuses, committed);
            }
        }
        return new Verification(refresh, pending, aborted, committed);
    }

    private static TransactionStatus statusOf(Intent intent, Map<Long, TransactionStatus> statuses) {
        if (intent.version() instanceof VersionHint.Postgres postgres) {
            TransactionStatus status = statuses.get(postgres.transactionId());
            if (status == null) {
                throw new IllegalStateException("the source reported no status for transaction "
                        + Long.toUnsignedString(postgres.transactionId()));
            }
            return status;
        }
        return TransactionStatus.COMMITTED;
    }

    /** @return the transactions the source confirmed committed among the entities' intents: what their read must see */
    static Set<Long> committedTransactions(List<CoalescedIntent> entities, Map<Long, TransactionStatus> statuses) {
        Set<Long> committed = new HashSet<>();
        entities.forEach(entity -> committedTransactionsOf(entity, statuses, committed));
        return committed;
    }

    private static void committedTransactionsOf(CoalescedIntent entity, Map<Long, TransactionStatus> statuses,
            Set<Long> into) {
        for (Intent member : entity.members()) {
            if (member.version() instanceof VersionHint.Postgres postgres
                    && statuses.get(postgres.transactionId()) == TransactionStatus.COMMITTED) {
                into.add(postgres.transactionId());
            }
        }
    }

    /** Why a pending entity waits: the first of its transactions still in progress. */
    static String pendingReason(CoalescedIntent entity, Map<Long, TransactionStatus> statuses) {
        String transaction = entity.members().stream()
                .map(Intent::version)
                .filter(v -> v instanceof VersionHint.Postgres p
                        && statuses.get(p.transactionId()) == TransactionStatus.IN_PROGRESS)
                .map(v -> Long.toUnsignedString(((VersionHint.Postgres) v).transactionId()))
                .findFirst()
                .orElseThrow();
        return "transaction " + transaction + " of " + entity.entity() + " is still in progress";
    }
}
