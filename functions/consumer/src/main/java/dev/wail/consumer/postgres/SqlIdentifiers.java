package dev.wail.consumer.postgres;

import dev.wail.core.pipeline.TableBinding;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The only way a name reaches SQL text: names come from configuration, must be plain PostgreSQL identifiers (with an
 * optional schema), and are always double-quoted. Checked once, at start-up, so a bad name stops the function with a
 * message instead of failing every batch.
 */
public final class SqlIdentifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private SqlIdentifiers() {
    }

    /**
     * @param sourceIsPostgres whether the source table itself is a PostgreSQL table (a DynamoDB table name may hold
     *                         characters PostgreSQL identifiers may not; it never reaches SQL)
     * @throws IllegalArgumentException naming the table and the offending name
     */
    public static void validate(TableBinding table, boolean sourceIsPostgres) {
        if (sourceIsPostgres) {
            checkQualified(table, "table", table.table());
        }
        checkQualified(table, "sink-table", table.sinkTable());
        table.columns().forEach(c -> check(table, "columns", c));
        table.versionColumn().ifPresent(c -> check(table, "version-column", c));
    }

    /** {@code "name"}. */
    public static String quote(String name) {
        return '"' + name + '"';
    }

    /** {@code "schema"."table"} or {@code "table"}. */
    public static String quoteQualified(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? quote(name) : quote(name.substring(0, dot)) + "." + quote(name.substring(dot + 1));
    }

    /** {@code "a", "b"}, or with a prefix {@code t."a", t."b"}. */
    public static String quoteAll(String prefix, List<String> names) {
        return names.stream().map(n -> prefix + quote(n)).collect(Collectors.joining(", "));
    }

    private static void checkQualified(TableBinding table, String property, String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2) {
            throw invalid(table, property, name);
        }
        for (String part : parts) {
            check(table, property, part, name);
        }
    }

    private static void check(TableBinding table, String property, String name) {
        check(table, property, name, name);
    }

    private static void check(TableBinding table, String property, String part, String whole) {
        if (!IDENTIFIER.matcher(part).matches()) {
            throw invalid(table, property, whole);
        }
    }

    private static IllegalArgumentException invalid(TableBinding table, String property, String name) {
        return new IllegalArgumentException("wail.sources." + table.source() + ".tables.\"" + table.table() + "\"."
                + property + ": '" + name + "' is not a plain PostgreSQL identifier (letters, digits and _, not "
                + "starting with a digit, at most 63 characters, optionally schema-qualified)");
    }
}
