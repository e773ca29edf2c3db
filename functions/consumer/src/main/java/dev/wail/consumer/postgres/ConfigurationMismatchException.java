package dev.wail.consumer.postgres;

import dev.wail.core.pipeline.TableBinding;

/**
 * The configuration of a table no longer fits its source table (a configured column dropped or renamed, the table
 * gone, a key column of a type wail cannot bind), even after the consumer reloaded what it knew of the table, or no
 * longer fits its read model table (a configured column or the table missing there). Not a problem of the intents:
 * the batch fails, its messages are retried, and they go through once the DDL is reverted or the configuration
 * updated. The message says which, in words a person can act on.
 */
public final class ConfigurationMismatchException extends IllegalStateException {

    private final transient TableBinding table;

    public ConfigurationMismatchException(TableBinding table, String reason) {
        super(reason);
        this.table = table;
    }

    public TableBinding table() {
        return table;
    }

    /** The setting {@code property} of {@code table}, as written in configuration. */
    static String setting(TableBinding table, String property) {
        String name = table.table().contains(".") ? "\"" + table.table() + "\"" : table.table();
        return "wail.sources." + table.source() + ".tables." + name + "." + property;
    }

    /** The table as messages name it: {@code orders of source shop}. */
    static String describe(TableBinding table) {
        return table.table() + " of source " + table.source();
    }
}
