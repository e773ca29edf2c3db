package dev.wail.consumer.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.testing.ConfigurationReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents every property of {@link ConsumerConfig} ({@code wail.sources.*},
 * {@code wail.consumer.*}, {@code wail.database.*}), with its default, and nothing else in the consumer's and the
 * shared database sections: the properties come from SmallRye Config's model of the mapping, so a setting added,
 * renamed, removed or given another default fails this test, naming it.
 */
class ConsumerConfigurationReferenceTest {

    private static final List<String> SECTIONS = List.of("Consumer", "Database credentials");

    @Test
    void everyPropertyIsDocumentedWithItsDefaultAndNothingElse() {
        assertThat(ConfigurationReference.problems(ConsumerConfig.class, ConfigurationReference.page(), SECTIONS))
                .as("docs/configuration.md against ConsumerConfig")
                .isEmpty();
    }

    @Test
    void aRowTakenOutOrAWrongDefaultIsNamed() throws Exception {
        Path page = ConfigurationReference.page();
        List<String> lines = new ArrayList<>(Files.readAllLines(page));
        int row = ConfigurationReference.indexOfRow(lines, "`wail.sources.*.postgres.max-connections`");
        lines.remove(row);
        int timeout = ConfigurationReference.indexOfRow(lines, "`wail.consumer.lock-timeout`");
        lines.set(timeout, lines.get(timeout).replace("`5s`", "`7s`"));

        assertThat(ConfigurationReference.problems(ConsumerConfig.class, lines, page.toString(), SECTIONS))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("wail.sources.*.postgres.max-connections (ConsumerConfig) is missing"))
                .anySatisfy(p -> assertThat(p).startsWith("wail.consumer.lock-timeout: ").contains("`5s`"))
                .hasSize(2);
    }
}
