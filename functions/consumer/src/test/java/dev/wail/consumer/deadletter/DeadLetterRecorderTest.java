package dev.wail.consumer.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.consumer.deadletter.DeadLetter.Disposition;
import dev.wail.consumer.deadletter.DeadLetterRecorder.Failure;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadLetterRecorder} on embedded PostgreSQL: one statement per batch records several messages, folds the
 * duplicates of one message in a batch, and counts a message already recorded as seen again; the rows' contents are
 * asserted column by column.
 */
@RealServices
class DeadLetterRecorderTest {

    private static final AtomicInteger LOGS = new AtomicInteger();

    /** The row of a message, as text: body, disposition, reason, attempts, and whether it was seen after it was first. */
    private static final String ROWS = "SELECT coalesce(string_agg(message_id || '|' || body || '|' || disposition || '|' "
            + "|| reason || '|' || attempts || '|' || (last_seen_at > first_seen_at), E'\\n' ORDER BY message_id), '') "
            + "FROM wail.dead_letters WHERE log = '%s'";

    private final EmbeddedPostgresServer postgres;
    private EmbeddedPostgresServer.ReactivePool pool;
    private DeadLetterRecorder recorder;
    private String log;

    DeadLetterRecorderTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void setUp() {
        postgres.execute(SchemaInstaller.sql());
        pool = postgres.openReactivePool(2);
        recorder = new DeadLetterRecorder(pool.pool());
        log = "arn:aws:sqs:us-east-1:000000000000:recorder-" + LOGS.incrementAndGet();
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    @Test
    void severalMessagesAreRecordedInOneStatement() {
        boolean recorded = recorder.record(log, List.of(
                new Failure("m-1", "{\"v\":1}", Disposition.REJECTED, "malformed intent: no field k"),
                new Failure("m-2", "not json", Disposition.RETRY, "source shop unreachable"),
                new Failure("m-3", "it's \"quoted\"; DROP TABLE x", Disposition.REJECTED, "table not configured")));

        assertThat(recorded).isTrue();
        assertThat(rows()).isEqualTo("""
                m-1|{"v":1}|REJECTED|malformed intent: no field k|1|false
                m-2|not json|RETRY|source shop unreachable|1|false
                m-3|it's "quoted"; DROP TABLE x|REJECTED|table not configured|1|false""");
    }

    @Test
    void duplicatesOfOneMessageInABatchMakeOneRowThatCountsThemAll() {
        recorder.record(log, List.of(
                new Failure("dup", "first body", Disposition.RETRY, "first reason"),
                new Failure("other", "b", Disposition.REJECTED, "r"),
                new Failure("dup", "second body", Disposition.REJECTED, "last reason")));

        assertThat(rows()).isEqualTo("""
                dup|first body|REJECTED|last reason|2|false
                other|b|REJECTED|r|1|false""");
    }

    @Test
    void aMessageAlreadyRecordedCountsAnotherAttemptWithItsNewestReason() throws InterruptedException {
        recorder.record(log, List.of(new Failure("again", "body", Disposition.RETRY, "source unreachable")));
        Thread.sleep(5); // now() is the transaction's start: two statements a few ms apart differ, as two batches do

        recorder.record(log, List.of(
                new Failure("again", "body of the redelivery", Disposition.REJECTED, "unknown transaction 42"),
                new Failure("new", "n", Disposition.REJECTED, "malformed")));

        assertThat(rows()).isEqualTo("""
                again|body|REJECTED|unknown transaction 42|2|true
                new|n|REJECTED|malformed|1|false""");
    }

    @Test
    void anUnreachableDatabaseIsReportedNotThrown() {
        pool.close();

        assertThat(recorder.record(log, List.of(new Failure("m", "b", Disposition.RETRY, "r")))).isFalse();
        pool = postgres.openReactivePool(1);
    }

    private String rows() {
        return postgres.queryString(ROWS.formatted(log));
    }
}
