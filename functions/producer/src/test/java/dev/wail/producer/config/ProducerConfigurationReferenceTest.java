package dev.wail.producer.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.testing.ConfigurationReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents every property of {@link ProducerConfig}, with its default, and nothing else under
 * {@code wail.producer}: the properties come from SmallRye Config's model of the mapping, so a setting added, renamed,
 * removed or given another default fails this test, naming it.
 */
class ProducerConfigurationReferenceTest {

    private static final List<String> SECTIONS = List.of("Producer");

    @Test
    void everyPropertyIsDocumentedWithItsDefaultAndNothingElse() {
        assertThat(ConfigurationReference.problems(ProducerConfig.class, ConfigurationReference.page(), SECTIONS))
                .as("docs/configuration.md against ProducerConfig")
                .isEmpty();
    }

    @Test
    void aRowTakenOutOrAddedIsNamed() throws Exception {
        Path page = ConfigurationReference.page();
        List<String> lines = new ArrayList<>(Files.readAllLines(page));
        int row = ConfigurationReference.indexOfRow(lines, "`wail.producer.send-backoff`");
        lines.remove(row);
        lines.add(row, "| `wail.producer.no-such-setting` | int | none | gone |");

        assertThat(ConfigurationReference.problems(ProducerConfig.class, lines, page.toString(), SECTIONS))
                .anySatisfy(p -> assertThat(p).startsWith("wail.producer.send-backoff (ProducerConfig) is missing"))
                .anySatisfy(p -> assertThat(p).startsWith("wail.producer.no-such-setting is documented"))
                .hasSize(2);
    }
}
