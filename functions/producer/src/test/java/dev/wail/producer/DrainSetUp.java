package dev.wail.producer;

import dev.wail.embedded.EmbeddedPostgresServer;

/** What an outbox drain test or benchmark starts from: the shipped hooks, one captured table, an empty outbox. */
public final class DrainSetUp {

    private DrainSetUp() {
    }

    /**
     * Installs the hooks, (re)creates {@code public.<table> (id bigint PRIMARY KEY, status text NOT NULL)} captured as
     * source {@code shop} with the default (outbox) delivery, and empties {@code wail.outbox} and
     * {@code wail.outbox_rejected}.
     */
    public static void capturedTableAndEmptyOutbox(EmbeddedPostgresServer postgres, String table) {
        Hooks.install(postgres);
        postgres.execute(Hooks.capturedTableSql(table, "") + "TRUNCATE wail.outbox, wail.outbox_rejected;");
    }
}
