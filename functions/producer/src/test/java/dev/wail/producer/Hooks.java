package dev.wail.producer;

import dev.wail.testing.EmbeddedPostgresServer;
import dev.wail.testing.TestData;

/** The shipped hook installer, as tests apply it. */
public final class Hooks {

    private Hooks() {
    }

    public static String installerSql() {
        return TestData.resource("/wail/hooks.sql");
    }

    public static void install(EmbeddedPostgresServer postgres) {
        postgres.execute(installerSql());
    }
}
