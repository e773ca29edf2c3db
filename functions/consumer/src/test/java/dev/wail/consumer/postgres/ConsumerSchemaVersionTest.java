package dev.wail.consumer.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One schema version in three places: {@link SchemaInstaller#VERSION} (what the consumer's first batch requires), the
 * version the script records, and {@code consumer_schema_version} in infra/consumer_schema.tf (a change re-runs the
 * deploy-time step). A script changed without the others would leave deployed databases without the change.
 */
class ConsumerSchemaVersionTest {

    @Test
    void theScriptAndTheTerraformStepCarryTheConsumersVersion() throws IOException {
        assertThat(number(SchemaInstaller.sql(), "INSERT INTO wail\\.consumer_schema \\(version\\) VALUES \\((\\d+)\\)"))
                .isEqualTo(SchemaInstaller.VERSION);
        String terraform = Files.readString(Path.of("../../infra/consumer_schema.tf"));
        assertThat(number(terraform, "consumer_schema_version\\s*=\\s*(\\d+)")).isEqualTo(SchemaInstaller.VERSION);
    }

    private static int number(String text, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(text);
        assertThat(matcher.find()).as("%s in the text", pattern).isTrue();
        return Integer.parseInt(matcher.group(1));
    }
}
