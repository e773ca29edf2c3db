package dev.wail.emulation.aurora;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The Lambda service's side of {@code wail/aws_lambda_emulation.sql}, for plain PostgreSQL on a laptop or in tests:
 * delivers the asynchronous invocations that {@code aws_lambda.invoke(..., 'Event')} wrote to
 * {@code aws_lambda_emulation.invocations} to the function, the way Lambda delivers its event queue.
 *
 * <p>Each pass is one transaction: claim up to {@code batchRows} due invocations with {@code FOR UPDATE SKIP LOCKED}
 * (several invokers never deliver one invocation at the same time), invoke the function with each, in order, then
 * settle them: delete the handled ones; for a function error count the attempt and retry after a backoff that doubles,
 * and after {@code maxAttempts} move it to {@code aws_lambda_emulation.failed_invocations} with the error (Lambda's
 * on-failure destination); when the function is unreachable keep it, uncounted, for the next pass. Invocations
 * written while no invoker runs simply wait in the table.
 *
 * <p>It lives in wail-aws-emulation, outside any CDI wiring and outside the function zips, so that the local
 * pipeline and the tests can run it next to the producer function; the deployed function never has it.
 */
public final class LambdaInvokeEmulator {

    /** Lambda's default for asynchronous invocations: the first attempt and two retries. */
    public static final int LAMBDA_ASYNC_ATTEMPTS = 3;

    private static final Logger LOG = Logger.getLogger(LambdaInvokeEmulator.class);
    private static final String CLAIM = """
            SELECT id, function_name, payload, attempts FROM aws_lambda_emulation.invocations
             WHERE next_attempt_at <= clock_timestamp() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""";
    private static final String DELETE_HANDLED = "DELETE FROM aws_lambda_emulation.invocations WHERE id = ANY($1)";
    private static final String RESCHEDULE = """
            UPDATE aws_lambda_emulation.invocations i
               SET attempts = i.attempts + r.counted, last_error = r.error,
                   next_attempt_at = clock_timestamp() + r.delay_ms * interval '1 millisecond'
              FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[]) AS r(id, counted, error, delay_ms)
             WHERE i.id = r.id""";
    private static final String MOVE_FAILED = """
            WITH moved AS (DELETE FROM aws_lambda_emulation.invocations WHERE id = ANY($1) RETURNING *)
            INSERT INTO aws_lambda_emulation.failed_invocations
                   (id, function_name, region, qualifier, payload, invoked_at, attempts, error)
            SELECT m.id, m.function_name, m.region, m.qualifier, m.payload, m.invoked_at, m.attempts + 1, r.error
              FROM moved m JOIN unnest($1::bigint[], $2::text[]) AS r(id, error) ON r.id = m.id""";

    private final Pool pool;
    private final InvocationTarget target;
    private final int batchRows;
    private final int maxAttempts;
    private final Duration retryBackoff;

    /**
     * @param retryBackoff wait before the second attempt, doubled for each later one; also the wait after the function
     *                     was unreachable
     */
    public LambdaInvokeEmulator(Pool pool, InvocationTarget target, int batchRows, int maxAttempts,
            Duration retryBackoff) {
        if (batchRows < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("batchRows and maxAttempts must be at least 1, got " + batchRows
                    + " and " + maxAttempts);
        }
        this.pool = pool;
        this.target = target;
        this.batchRows = batchRows;
        this.maxAttempts = maxAttempts;
        this.retryBackoff = retryBackoff;
    }

    /** One pass, in one transaction. */
    public Uni<DeliveryReport> deliverOnce() {
        return pool.withTransaction(connection -> connection.preparedQuery(CLAIM).execute(Tuple.of(batchRows))
                .map(LambdaInvokeEmulator::claimed)
                .chain(this::invokeOffTheEventLoop)
                .chain(settled -> settled.apply(connection)));
    }

    /** Passes until no full batch is due any more or the function is unreachable. Blocking. */
    public DeliveryReport deliverUntilIdle() {
        DeliveryReport total = DeliveryReport.EMPTY;
        DeliveryReport once;
        do {
            once = deliverOnce().await().indefinitely();
            total = total.plus(once);
        } while (once.claimed() == batchRows && once.waiting() == 0);
        return total;
    }

    /**
     * Delivers in the background, every {@code interval}, until the returned handle is closed (closing waits for the
     * pass in progress). A failed pass (database unreachable) is logged and tried again at the next tick.
     */
    public AutoCloseable startPolling(Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lambda-invoke-emulator");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::deliverLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return () -> {
            scheduler.shutdown();
            scheduler.awaitTermination(1, TimeUnit.MINUTES);
        };
    }

    private void deliverLogged() {
        try {
            DeliveryReport report = deliverUntilIdle();
            if (report.claimed() > 0) {
                LOG.debugf("emulated Lambda invocations: %s", report);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "emulated Lambda invocations: pass failed, trying again at the next tick");
        }
    }

    private record Claimed(long id, String functionName, String payload, int attempts) {
    }

    private static List<Claimed> claimed(RowSet<Row> rows) {
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Row row : rows) {
            claimed.add(new Claimed(row.getLong("id"), row.getString("function_name"), row.getString("payload"),
                    row.getInteger("attempts")));
        }
        return claimed;
    }

    private Uni<Settlement> invokeOffTheEventLoop(List<Claimed> claimed) {
        // The function call blocks; it must not run on a Vert.x event loop thread.
        return Uni.createFrom().item(() -> invokeAll(claimed)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Invokes in order; stops at the first unreachable function: that invocation waits a backoff, the ones after it
     * (not tried) stay due for the next pass.
     */
    private Settlement invokeAll(List<Claimed> claimed) {
        Settlement settlement = new Settlement(claimed.size());
        for (int i = 0; i < claimed.size(); i++) {
            Claimed invocation = claimed.get(i);
            InvokeOutcome outcome = target.invoke(invocation.functionName(), invocation.payload());
            switch (outcome.kind()) {
                case SUCCEEDED -> settlement.handled.add(invocation.id());
                case FUNCTION_ERROR -> failedAttempt(settlement, invocation, outcome.detail());
                case UNREACHABLE -> {
                    LOG.warnf("emulated Lambda invocation %d and %d after it wait: %s", invocation.id(),
                            claimed.size() - i - 1, outcome.detail());
                    settlement.reschedule(invocation.id(), 0, outcome.detail(), retryBackoff.toMillis());
                    settlement.waiting = claimed.size() - i;
                    return settlement;
                }
            }
        }
        return settlement;
    }

    private void failedAttempt(Settlement settlement, Claimed invocation, String error) {
        int attempt = invocation.attempts() + 1;
        if (attempt >= maxAttempts) {
            LOG.errorf("emulated Lambda invocation %d failed attempt %d of %d, moved to failed_invocations: %s",
                    invocation.id(), attempt, maxAttempts, error);
            settlement.failedIds.add(invocation.id());
            settlement.failedErrors.add(error);
        } else {
            LOG.warnf("emulated Lambda invocation %d failed attempt %d of %d, will retry: %s", invocation.id(),
                    attempt, maxAttempts, error);
            settlement.reschedule(invocation.id(), 1, error, retryBackoff.toMillis() << (attempt - 1));
            settlement.retrying++;
        }
    }

    /** What to write back for one pass's invocations. */
    private static final class Settlement {
        final int claimed;
        final List<Long> handled = new ArrayList<>();
        final List<Long> rescheduledIds = new ArrayList<>();
        final List<Integer> countedAttempts = new ArrayList<>();
        final List<String> rescheduledErrors = new ArrayList<>();
        final List<Long> delaysMillis = new ArrayList<>();
        final List<Long> failedIds = new ArrayList<>();
        final List<String> failedErrors = new ArrayList<>();
        int retrying;
        int waiting;

        Settlement(int claimed) {
            this.claimed = claimed;
        }

        void reschedule(long id, int counted, String error, long delayMillis) {
            rescheduledIds.add(id);
            countedAttempts.add(counted);
            rescheduledErrors.add(error);
            delaysMillis.add(delayMillis);
        }

        Uni<DeliveryReport> apply(SqlConnection connection) {
            DeliveryReport report = new DeliveryReport(claimed, handled.size(), retrying, failedIds.size(), waiting);
            return execute(connection, DELETE_HANDLED, handled, Tuple.of(handled.toArray(Long[]::new)))
                    .chain(() -> execute(connection, RESCHEDULE, rescheduledIds, Tuple.of(
                            rescheduledIds.toArray(Long[]::new), countedAttempts.toArray(Integer[]::new),
                            rescheduledErrors.toArray(String[]::new), delaysMillis.toArray(Long[]::new))))
                    .chain(() -> execute(connection, MOVE_FAILED, failedIds, Tuple.of(
                            failedIds.toArray(Long[]::new), failedErrors.toArray(String[]::new))))
                    .replaceWith(report);
        }

        private static Uni<Void> execute(SqlConnection connection, String sql, List<Long> ids, Tuple arguments) {
            return ids.isEmpty() ? Uni.createFrom().voidItem()
                    : connection.preparedQuery(sql).execute(arguments).replaceWithVoid();
        }
    }
}
