package dev.wail.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.testing.DocumentationLinks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in README.md, docs/ and the folder guides resolves, fragments included. It lives here because
 * this module's tests are the quickest the documentation can ride on; it reads files only.
 */
class DocumentationLinksTest {

    private static final List<String> FOLDER_GUIDES =
            List.of("infra/README.md", "localstack/README.md", "native-build/README.md");

    @Test
    void everyRelativeLinkResolves() {
        Path root = DocumentationLinks.repositoryRoot();
        assertThat(DocumentationLinks.broken(DocumentationLinks.pages(root, FOLDER_GUIDES))).isEmpty();
    }

    @Test
    void aMissingFileOrHeadingIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.md"), String.join("\n",
                "# Page A", "## Key identity: how, and why", "```", "[in code](nowhere.md)", "```",
                "[ok](b.md) [ok](#key-identity-how-and-why) [web](https://example.com/x)",
                "[gone](c.md) [no heading](b.md#nothing) [ok](b.md#b-heading)"));
        Files.writeString(dir.resolve("b.md"), "# B heading\n");

        assertThat(DocumentationLinks.broken(List.of(dir.resolve("a.md"))))
                .containsExactly(
                        dir.resolve("a.md") + ": c.md: " + dir.resolve("c.md") + " does not exist",
                        dir.resolve("a.md") + ": b.md#nothing: " + dir.resolve("b.md")
                                + " has no heading with the anchor #nothing");
    }
}
