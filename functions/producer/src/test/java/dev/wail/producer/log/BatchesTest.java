package dev.wail.producer.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {

    private static final List<Integer> SIZES = List.of(40, 40, 40, 150, 10, 10, 10, 10, 10);

    private static List<List<Integer>> split(int maxEntries, long maxBytes) {
        return Batches.split(Batches.range(SIZES.size()), SIZES::get, maxEntries, maxBytes);
    }

    @Test
    void runsAreCutAtTheByteLimitKeepingTheOrder() {
        assertThat(split(500, 100)).containsExactly(List.of(0, 1), List.of(2), List.of(3), List.of(4, 5, 6, 7, 8));
    }

    @Test
    void runsAreCutAtTheCountLimit() {
        assertThat(split(2, 1_000)).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4, 5), List.of(6, 7),
                List.of(8));
    }

    @Test
    void anEntryOverTheByteLimitTravelsAloneSoOnlyItIsRefused() {
        assertThat(split(10, 120)).containsExactly(List.of(0, 1, 2), List.of(3), List.of(4, 5, 6, 7, 8));
    }

    @Test
    void aRunExactlyAtTheLimitsIsNotCut() {
        assertThat(split(3, 120).get(0)).containsExactly(0, 1, 2);
        assertThat(Batches.split(List.of(), SIZES::get, 3, 120)).isEmpty();
    }
}
