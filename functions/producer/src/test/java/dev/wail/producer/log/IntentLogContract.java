package dev.wail.producer.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.log.IntentLog;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.core.wire.IntentCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of an {@link IntentLog}, written once and run against every log on its real API (a subclass per log:
 * SQS and SQS FIFO on ElasticMQ, Kinesis on kinesis-mock): what is appended reads back exactly, packed or not; each
 * entity's intents read back in the order appended (where the log orders at all); every call and entry stays within
 * the service's limits, calls are filled; an entry the service refuses is sent again alone and lands; one it keeps
 * refusing is reported by the positions of its intents while its neighbours land.
 *
 * <p>A subclass brings a fresh queue or stream per test ({@link #log}), reads it back ({@link #readBack}), reports
 * the calls the log made ({@link #calls}) and knows how to make its service refuse, then accept, one entry.
 */
abstract class IntentLogContract {

    /**
     * The service's limits.
     *
     * @param entriesPerCall at most this many messages or records per call
     * @param bytesPerCall   at most this many bytes per call, entries summed as {@link #calls} counts them
     * @param bytesPerEntry  at most this many bytes per message or record
     */
    protected record Limits(int entriesPerCall, long bytesPerCall, int bytesPerEntry) {
    }

    /** A log on a fresh queue or stream, packing up to {@code intentsPerMessage}, pausing with {@code pause}. */
    protected abstract IntentLog log(int intentsPerMessage, RetryPolicy.Pause pause);

    /** The body of every message or record on the queue or stream, in arrival order. */
    protected abstract List<String> readBack();

    /** The calls the log made, each as the byte sizes of its entries (as the service counts them toward its limits). */
    protected abstract List<List<Integer>> calls();

    protected abstract Limits limits();

    /** Whether the log keeps each entity's intents in the order appended (SQS standard queues do not). */
    protected abstract boolean ordersPerEntity();

    /**
     * Whether the service can be made to refuse one entry of a call while it takes the others. ElasticMQ and
     * moto_server cannot: they take a message over the queue's {@code MaximumMessageSize} (ElasticMQ) or refuse the
     * whole call (moto), so the SQS logs skip the two tests of a refused entry.
     */
    protected abstract boolean refusesOneEntry();

    /** An intent the service refuses until {@link #acceptTheRefused()} (in a message or record of its own). */
    protected abstract Intent refusedUntilAccepted();

    /** Makes the service accept what {@link #refusedUntilAccepted()} it refused before. */
    protected abstract void acceptTheRefused();

    private static final RetryPolicy.Pause NO_WAIT = duration -> { };

    @Test
    void everyIntentAppendedReadsBackExactly() {
        List<Intent> intents = interleaved(12, 3);

        assertThat(log(1, NO_WAIT).append(intents)).isEqualTo(AppendResult.allAccepted());

        List<List<Intent>> messages = decoded(readBack());
        assertThat(messages).allSatisfy(message -> assertThat(message).hasSize(1));
        assertThat(messages.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(intents);
    }

    @Test
    void packedMessagesHoldAtMostTheirCountAndReadBackExactly() {
        // 120 intents of 3 entities: 40 each.
        List<Intent> intents = interleaved(3, 40);

        assertThat(log(50, NO_WAIT).append(intents)).isEqualTo(AppendResult.allAccepted());

        List<List<Intent>> messages = decoded(readBack());
        assertThat(messages).hasSize(3).allSatisfy(message -> assertThat(message).hasSizeBetween(20, 50));
        assertThat(messages.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(intents);
    }

    @Test
    void eachEntitysIntentsReadBackInTheOrderAppended() {
        assumeTrue(ordersPerEntity(), "this log does not order");
        List<Intent> intents = interleaved(20, 4);

        assertThat(log(3, NO_WAIT).append(intents)).isEqualTo(AppendResult.allAccepted());

        List<Intent> landed = intentsOf(readBack());
        assertThat(landed).containsExactlyInAnyOrderElementsOf(intents);
        for (long id = 1; id <= 20; id++) {
            long entity = id;
            assertThat(landed).filteredOn(i -> i.key().value(0).equals(entity))
                    .containsExactlyElementsOf(intents.stream().filter(i -> i.key().value(0).equals(entity)).toList());
        }
    }

    @Test
    void callsHoldAtMostTheirEntryCountAndAreFilled() {
        int count = limits().entriesPerCall() * 2 + 1;
        List<Intent> intents = TestIntents.inserts(count);

        assertThat(log(1, NO_WAIT).append(intents)).isEqualTo(AppendResult.allAccepted());

        assertThat(calls()).extracting(List::size)
                .containsExactly(limits().entriesPerCall(), limits().entriesPerCall(), 1);
        assertThat(intentsOf(readBack())).containsExactlyInAnyOrderElementsOf(intents);
    }

    @Test
    void callsAndEntriesStayWithinTheirBytesAndAreFilled() {
        // Intents of 85% of an entry's limit, one more than a call can carry.
        int size = limits().bytesPerEntry() * 85 / 100;
        int count = (int) (limits().bytesPerCall() / size) + 1;
        List<Intent> intents = IntStream.range(0, count)
                .mapToObj(i -> TestIntents.withKeyOfLength("blobs_" + i, size)).toList();

        assertThat(log(100, NO_WAIT).append(intents)).isEqualTo(AppendResult.allAccepted());

        List<List<Integer>> calls = calls();
        assertThat(calls).hasSize(2).allSatisfy(call -> {
            assertThat(call.stream().mapToLong(Integer::longValue).sum()).isLessThanOrEqualTo(limits().bytesPerCall());
            assertThat(call).allSatisfy(entry -> assertThat(entry).isLessThanOrEqualTo(limits().bytesPerEntry()));
        });
        // Filled: the first call could not have taken the entry that opens the second.
        assertThat(calls.get(0).stream().mapToLong(Integer::longValue).sum() + calls.get(1).get(0))
                .isGreaterThan(limits().bytesPerCall());
        assertThat(encodingsOf(readBack()))
                .containsExactlyInAnyOrderElementsOf(encoded(intents));
    }

    @Test
    void anEntryTheServiceRefusesIsSentAgainAloneAndLands() {
        assumeTrue(refusesOneEntry(), "the emulator cannot refuse one entry of a call");
        List<Intent> intents = new ArrayList<>(TestIntents.inserts(5));
        Intent refused = refusedUntilAccepted();
        intents.add(2, refused);
        AtomicInteger pauses = new AtomicInteger();

        AppendResult result = log(1, duration -> {
            pauses.incrementAndGet();
            acceptTheRefused();
        }).append(intents);

        assertThat(result).isEqualTo(new AppendResult(List.of(), null, 1));
        assertThat(pauses).hasValue(1);
        List<List<Integer>> calls = calls();
        assertThat(calls).extracting(List::size).containsExactly(6, 1);
        assertThat(calls.get(1).get(0)).isGreaterThan(calls.get(0).get(0));
        assertThat(encodingsOf(readBack()))
                .containsExactlyInAnyOrderElementsOf(encoded(intents));
    }

    @Test
    void anEntryTheServiceKeepsRefusingIsReportedByPositionAndItsNeighboursLand() {
        assumeTrue(refusesOneEntry(), "the emulator cannot refuse one entry of a call");
        List<Intent> intents = new ArrayList<>(TestIntents.inserts(5));
        intents.add(3, refusedUntilAccepted());

        AppendResult result = log(1, NO_WAIT).append(intents);

        assertThat(result.failedIndexes()).containsExactly(3);
        assertThat(result.firstError()).isNotBlank();
        assertThat(intentsOf(readBack())).containsExactlyInAnyOrderElementsOf(
                TestIntents.inserts(5));
    }

    /** {@code perEntity} changes of {@code entities} orders, the changes of different orders interleaved. */
    private static List<Intent> interleaved(int entities, int perEntity) {
        List<Intent> intents = new ArrayList<>();
        for (int round = 0; round < perEntity; round++) {
            Operation operation = round == 0 ? Operation.INSERT : Operation.UPDATE;
            for (long id = 1; id <= entities; id++) {
                intents.add(TestIntents.order(id, operation, round * 1_000L + id));
            }
        }
        return intents;
    }

    private static List<List<Intent>> decoded(List<String> bodies) {
        return bodies.stream().map(IntentCodec.DEFAULT::decodeAll).toList();
    }

    private static List<Intent> intentsOf(List<String> bodies) {
        return bodies.stream().flatMap(body -> IntentCodec.DEFAULT.decodeAll(body).stream()).toList();
    }

    /**
     * For intents larger than the consumer accepts (a body it would refuse to decode): the canonical encodings of
     * the intents landed, a body of one intent as it is.
     */
    private static List<String> encodingsOf(List<String> bodies) {
        return bodies.stream().flatMap(body -> body.startsWith("[") ? encoded(IntentCodec.DEFAULT.decodeAll(body))
                .stream() : java.util.stream.Stream.of(body)).toList();
    }

    /** For intents larger than the consumer accepts: compared by their canonical encodings. */
    private static List<String> encoded(List<Intent> intents) {
        return intents.stream().map(IntentCodec.DEFAULT::encodeToString).toList();
    }
}
