package dev.wail.core.intent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionHintTest {

    @Test
    void postgresHintsOrderByWalPositionThenTransactionIdNotByTransactionIdAlone() {
        // Transaction 900 started writing before 800 but reached the row later: the WAL position decides.
        VersionHint earlier = new VersionHint.Postgres(900, 1_000);
        VersionHint later = new VersionHint.Postgres(800, 2_000);
        VersionHint sameSpotHigherTx = new VersionHint.Postgres(801, 2_000);

        assertThat(earlier).isLessThan(later);
        assertThat(later).isLessThan(sameSpotHigherTx);
    }

    @Test
    void walPositionsCompareAsUnsigned() {
        VersionHint low = new VersionHint.Postgres(1, Long.MAX_VALUE);
        VersionHint high = new VersionHint.Postgres(1, Long.parseUnsignedLong("9223372036854775808"));

        assertThat(low).isLessThan(high);
    }

    @Test
    void streamSequencesCompareNumericallyNotAsText() {
        assertThat(VersionHint.StreamSequence.of("900")).isLessThan(VersionHint.StreamSequence.of("1000"));
    }

    @Test
    void noneSortsFirstAndKindsFormATotalOrder() {
        List<VersionHint> hints = new ArrayList<>(List.of(
                VersionHint.StreamSequence.of("5"), new VersionHint.Postgres(1, 2), VersionHint.NONE));
        Collections.shuffle(hints);
        Collections.sort(hints);

        assertThat(hints).containsExactly(VersionHint.NONE, new VersionHint.Postgres(1, 2),
                VersionHint.StreamSequence.of("5"));
    }
}
