package dev.wail.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentIdTest {

    @Test
    void isTheLeadingBytesOfSha256InUrlSafeBase64WithoutPadding() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a3...
        assertThat(ContentId.of("abc", 12)).isEqualTo("ungWv48Bz-pBQUDe");
        assertThat(ContentId.of("abc", 16)).isEqualTo("ungWv48Bz-pBQUDeXa4iIw");
    }

    @Test
    void hashesTextAsUtf8() {
        String text = "[{\"é\":1}]";
        assertThat(ContentId.of(text, 16)).isEqualTo("1kWwQfLLo0jjapQk369QGA")
                .isEqualTo(ContentId.of(text.getBytes(StandardCharsets.UTF_8), 16));
    }

    @Test
    void refusesALengthSha256DoesNotHave() {
        assertThatThrownBy(() -> ContentId.of("abc", 0)).hasMessageContaining("1 to 32 bytes");
        assertThatThrownBy(() -> ContentId.of("abc", 33)).hasMessageContaining("1 to 32 bytes");
    }
}
