package dev.wail.testing;

import io.smallrye.config.ConfigMappingInterface.Property;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps {@code docs/configuration.md} and a function's {@code @ConfigMapping} interfaces in step: the properties a
 * mapping declares are enumerated with SmallRye Config's own model ({@link ConfigMappings#getProperties}), never from a
 * hand-written list, and compared with the rows of the page's sections that belong to the function.
 *
 * <p>A documented setting is a table row whose first cell starts with the property name in backticks, e.g.
 * {@code | `wail.producer.send-attempts` (`WAIL_PRODUCER_SEND_ATTEMPTS`) | int | `4` | ... |}; map keys are written
 * {@code *} as SmallRye Config names them ({@code wail.sources.*.postgres.writer-url}). The third cell is the default:
 * it must hold the mapping's default value in backticks, or the word "none" when the property has no default.
 */
public final class ConfigurationReference {

    private static final Pattern SECTION = Pattern.compile("^## (.+)$");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z0-9.*\"-]+)`[^|]*\\|([^|]*)\\|([^|]*)\\|.*$");

    /** One documented row: the property name and its default cell, as written. */
    public record Row(String section, String name, String type, String defaultCell) {}

    private ConfigurationReference() {}

    /** Every property of the mapping, by full name, with its default value when it has one (empty otherwise). */
    public static Map<String, Optional<String>> mappedProperties(Class<?> mapping) {
        Map<String, Optional<String>> properties = new TreeMap<>();
        for (Map.Entry<String, Property> entry : ConfigMappings.getProperties(ConfigClass.configClass(mapping)).entrySet()) {
            Property property = entry.getValue();
            if (entry.getKey().endsWith("[*]")) {
                continue; // the indexed spelling of a list property (key-columns[0]=...), documented with the list
            }
            properties.put(entry.getKey(),
                    property.hasDefaultValue() ? Optional.of(property.getDefaultValue()) : Optional.empty());
        }
        return properties;
    }

    /** The page, found from the working directory (a module's folder when Maven runs its tests) upwards. */
    public static Path page() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("docs/configuration.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/configuration.md not found from " + dir + " or any folder above it");
    }

    /** The documented rows of the page's sections whose heading ({@code ## ...}) starts with one of the given titles. */
    public static List<Row> documentedRows(Path page, List<String> sections) {
        try {
            return documentedRows(Files.readAllLines(page), sections);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same, from the page's lines (a test may drop one to see the check fail). */
    public static List<Row> documentedRows(List<String> lines, List<String> sections) {
        List<Row> rows = new ArrayList<>();
        String section = null;
        for (String line : lines) {
            Matcher heading = SECTION.matcher(line);
            if (heading.matches()) {
                String title = heading.group(1).trim();
                section = sections.stream().anyMatch(title::startsWith) ? title : null;
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (section != null && row.matches()) {
                rows.add(new Row(section, row.group(1), row.group(2).trim(), row.group(3).trim()));
            }
        }
        return rows;
    }

    /**
     * What is wrong between the mapping and the page's rows, one line per problem naming the property; empty when they
     * agree: a property not documented, a documented property the mapping no longer has, a wrong or missing default.
     */
    public static List<String> problems(Class<?> mapping, Path page, List<String> sections) {
        try {
            return problems(mapping, Files.readAllLines(page), page.toString(), sections);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same, from the page's lines; {@code page} only names it in the messages. */
    public static List<String> problems(Class<?> mapping, List<String> lines, String page, List<String> sections) {
        Map<String, Optional<String>> mapped = mappedProperties(mapping);
        Map<String, Row> documented = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Row row : documentedRows(lines, sections)) {
            if (documented.putIfAbsent(row.name(), row) != null) {
                problems.add(row.name() + " is documented twice in " + page);
            }
        }
        for (Map.Entry<String, Optional<String>> property : mapped.entrySet()) {
            String name = property.getKey();
            Row row = documented.get(name);
            if (row == null) {
                problems.add(name + " (" + mapping.getSimpleName() + ") is missing from " + page + ", sections "
                        + sections + ": add a row `" + name + "` | type | default | meaning");
                continue;
            }
            String expected = property.getValue().map(v -> "`" + v + "`").orElse("none");
            if (!row.defaultCell().startsWith(expected)) {
                problems.add(name + ": " + page + " gives the default as '" + row.defaultCell() + "', the mapping's is "
                        + expected);
            }
        }
        for (String name : documented.keySet()) {
            if (!mapped.containsKey(name)) {
                problems.add(name + " is documented in " + page + " (section '" + documented.get(name).section()
                        + "') but " + mapping.getSimpleName() + " has no such property: remove the row or fix its name");
            }
        }
        return problems;
    }

    /** The index of the table row documenting {@code name} (in backticks) among the page's lines. */
    public static int indexOfRow(List<String> lines, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("| " + name)) {
                return i;
            }
        }
        throw new AssertionError("no row " + name);
    }
}
