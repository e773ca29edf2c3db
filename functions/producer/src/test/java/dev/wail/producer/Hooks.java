package dev.wail.producer;

import dev.wail.testing.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The shipped hook installer, as tests apply it. */
public final class Hooks {

    private Hooks() {
    }

    public static String installerSql() {
        try (InputStream in = Hooks.class.getResourceAsStream("/wail/hooks.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void install(EmbeddedPostgresServer postgres) {
        postgres.execute(installerSql());
    }
}
