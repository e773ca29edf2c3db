package dev.wail.core.pipeline;

import dev.wail.core.coalesce.CoalescedIntent;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.VersionHint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Write-ahead verification of one table's coalesced intents, from the status of the transactions that wrote them.
 * An entity is
 * <ul>
 *   <li><b>pending</b> if any of its intents comes from a transaction still in progress: its change is not visible
 *       yet, so its messages are delivered again later;</li>
 *   <li><b>unknown</b> if any of its intents names a transaction the source never assigned (another cluster's,
 *       or a forged id): it can never be verified, so its messages are rejected with the reason;</li>
 *   <li><b>aborted</b> if every one of its intents comes from a rolled-back transaction: nothing changed, it is
 *       dropped (and counted); another intent announces any committed change;</li>
 *   <li>otherwise <b>refreshed</b>: read from the source and written to the sink.</li>
 * </ul>
 * Intents without a transaction id (DynamoDB, backfills) count as committed.
 */
record Verification(
        List<CoalescedIntent> refresh,
        List<CoalescedIntent> pending,
        List<CoalescedIntent> unknown,
        List<CoalescedIntent> aborted,
        Set<Long> committedTransactions) {

    static Set<Long> transactionIds(List<CoalescedIntent> entities) {
        Set<Long> ids = new HashSet<>();
        for (CoalescedIntent entity : entities) {
            for (Intent member : entity.members()) {
                if (member.version() instanceof VersionHint.Postgres postgres) {
                    ids.add(postgres.transactionId());
                }
            }
        }
        return ids;
    }

    static Verification of(List<CoalescedIntent> entities, Map<Long, TransactionStatus> statuses) {
        List<CoalescedIntent> refresh = new ArrayList<>();
        List<CoalescedIntent> pending = new ArrayList<>();
        List<CoalescedIntent> unknown = new ArrayList<>();
        List<CoalescedIntent> aborted = new ArrayList<>();
        Set<Long> committed = new HashSet<>();
        for (CoalescedIntent entity : entities) {
            boolean anyUnknown = false;
            boolean anyPending = false;
            boolean allAborted = true;
            for (Intent member : entity.members()) {
                TransactionStatus status = statusOf(member, statuses);
                anyUnknown |= status == TransactionStatus.UNKNOWN;
                anyPending |= status == TransactionStatus.IN_PROGRESS;
                allAborted &= status == TransactionStatus.ABORTED;
            }
            if (anyUnknown) {
                unknown.add(entity);
            } else if (anyPending) {
                pending.add(entity);
            } else if (allAborted) {
                aborted.add(entity);
            } else {
                refresh.add(entity);
                committedTransactionsOf(entity, statuses, committed);
            }
        }
        return new Verification(refresh, pending, unknown, aborted, committed);
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

    private static void committedTransactionsOf(CoalescedIntent entity, Map<Long, TransactionStatus> statuses,
            Set<Long> into) {
        for (Intent member : entity.members()) {
            if (member.version() instanceof VersionHint.Postgres postgres
                    && statuses.get(postgres.transactionId()) == TransactionStatus.COMMITTED) {
                into.add(postgres.transactionId());
            }
        }
    }

    /** Why an entity waits or is rejected: the first of its transactions with the given status. */
    static String reason(CoalescedIntent entity, Map<Long, TransactionStatus> statuses, TransactionStatus status) {
        String transaction = entity.members().stream()
                .map(Intent::version)
                .filter(v -> v instanceof VersionHint.Postgres p && statuses.get(p.transactionId()) == status)
                .map(v -> Long.toUnsignedString(((VersionHint.Postgres) v).transactionId()))
                .findFirst()
                .orElseThrow();
        return "transaction " + transaction + " of " + entity.entity() + (status == TransactionStatus.UNKNOWN
                ? " is unknown to its source (never assigned there: is the source's endpoint the right cluster?)"
                : " is still in progress");
    }
}
