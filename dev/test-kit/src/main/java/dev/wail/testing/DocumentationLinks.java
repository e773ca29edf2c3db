package dev.wail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds relative links in the repository's documentation that do not resolve: a file or folder that does not exist, or
 * a {@code #fragment} that names no heading of the Markdown file it points to (headings turned into anchors as GitHub
 * does: lower case, punctuation other than {@code -} and {@code _} dropped, spaces as {@code -}). Links with a scheme
 * ({@code https:}, {@code mailto:}) and links inside fenced code blocks are not checked.
 */
public final class DocumentationLinks {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern SCHEME = Pattern.compile("^[a-z][a-z0-9+.-]*:");

    private DocumentationLinks() {}

    /** The repository's top folder: the nearest folder, from the working directory up, that holds {@code .ci/run}. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(".ci/run"))) {
                return d;
            }
        }
        throw new IllegalStateException("no folder holding .ci/run found from " + dir + " upwards");
    }

    /** README.md, every {@code docs/*.md}, and the given further files, relative to the root. */
    public static List<Path> pages(Path root, List<String> further) {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        further.stream().map(root::resolve).forEach(pages::add);
        return pages;
    }

    /** One line per link that does not resolve: the page, the link, and what is missing. */
    public static List<String> broken(List<Path> pages) {
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            for (String link : links(page)) {
                if (SCHEME.matcher(link).find()) {
                    continue;
                }
                int hash = link.indexOf('#');
                String path = hash < 0 ? link : link.substring(0, hash);
                String fragment = hash < 0 ? "" : link.substring(hash + 1);
                Path target = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
                if (!Files.exists(target)) {
                    broken.add(page + ": " + link + ": " + target + " does not exist");
                } else if (!fragment.isEmpty() && target.toString().endsWith(".md")
                        && !anchors(target).contains(fragment)) {
                    broken.add(page + ": " + link + ": " + target + " has no heading with the anchor #" + fragment);
                }
            }
        }
        return broken;
    }

    static List<String> links(Path page) {
        List<String> links = new ArrayList<>();
        boolean code = false;
        for (String line : lines(page)) {
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            if (!code) {
                Matcher m = LINK.matcher(line);
                while (m.find()) {
                    links.add(m.group(1));
                }
            }
        }
        return links;
    }

    static Set<String> anchors(Path page) {
        Set<String> anchors = new HashSet<>();
        boolean code = false;
        for (String line : lines(page)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code && line.startsWith("#")) {
                String title = line.replaceFirst("^#+", "").trim().toLowerCase(Locale.ROOT);
                anchors.add(title.replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static List<String> lines(Path page) {
        try {
            return Files.readAllLines(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
