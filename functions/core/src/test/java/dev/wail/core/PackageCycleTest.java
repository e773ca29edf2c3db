package dev.wail.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's packages depend on each other without a cycle (the intent model once imported the wire codec, which
 * imports the model), read from the import lines of the main sources.
 */
class PackageCycleTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/wail/core");
    private static final Pattern CORE_IMPORT = Pattern.compile("^import (?:static )?dev\\.wail\\.core\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    @Test
    void corePackagesFormNoCycle() throws IOException {
        Map<String, Set<String>> uses = imports();
        assertThat(uses).containsKeys("intent", "wire", "pipeline");
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            if (reaches(uses, start, start, new TreeSet<>())) {
                cycles.add(start);
            }
        }
        assertThat(cycles).as("packages on a dependency cycle, given %s", uses).isEmpty();
    }

    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file).getName(0).toString();
                Set<String> to = uses.computeIfAbsent(from, p -> new TreeSet<>());
                Matcher imported = CORE_IMPORT.matcher(Files.readString(file));
                while (imported.find()) {
                    if (!imported.group(1).equals(from)) {
                        to.add(imported.group(1));
                    }
                }
            }
        }
        return uses;
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String target, Set<String> seen) {
        for (String next : uses.getOrDefault(from, Set.of())) {
            if (next.equals(target) || (seen.add(next) && reaches(uses, next, target, seen))) {
                return true;
            }
        }
        return false;
    }
}
