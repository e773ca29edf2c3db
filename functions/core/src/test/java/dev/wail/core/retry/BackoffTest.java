package dev.wail.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(10));

    @Test
    void theFirstAttemptDoesNotWaitAndTheCeilingDoublesFromTheBase() {
        assertThat(backoff.ceiling(1)).isZero();
        assertThat(backoff.delay(1)).isZero();
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(10));
        assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofMillis(20));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(80));
    }

    @Test
    void theCeilingStopsGrowingAfterTenDoublings() {
        assertThat(backoff.ceiling(12)).isEqualTo(Duration.ofMillis(10 * 1024));
        assertThat(backoff.ceiling(13)).isEqualTo(Duration.ofMillis(10 * 1024));
        assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofMillis(10 * 1024));
    }

    @Test
    void delaysAreDrawnFromZeroToTheCeilingBothIncluded() {
        Random random = new Random(42);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            seen.add(backoff.delay(2, random).toMillis());
        }
        assertThat(seen).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void aZeroBaseNeverWaits() {
        Backoff none = new Backoff(Duration.ZERO);
        assertThat(none.delay(2)).isZero();
        assertThat(none.delay(30)).isZero();
    }

    @Test
    void refusesANegativeBaseAndAttemptZero() {
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1))).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> backoff.ceiling(0)).hasMessageContaining("attempts count from 1");
    }
}
