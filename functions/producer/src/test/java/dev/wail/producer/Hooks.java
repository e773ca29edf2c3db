package dev.wail.producer;

import dev.wail.core.intent.Intent;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.producer.hook.HookPayloadReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The shipped hook installer and the aws_lambda emulation, as tests apply them. */
public final class Hooks {

    private Hooks() {
    }

    public static String installerSql() {
        return TestData.resource("/wail/hooks.sql");
    }

    public static String awsLambdaEmulationSql() {
        return TestData.resource("/wail/aws_lambda_emulation.sql");
    }

    public static void install(EmbeddedPostgresServer postgres) {
        postgres.execute(installerSql());
    }

    /**
     * SQL that (re)creates {@code public.<table> (id bigint PRIMARY KEY, status text NOT NULL)} and captures it as
     * source {@code shop}, with more {@code wail.capture} arguments if {@code captureOptions} is not empty.
     */
    public static String capturedTableSql(String table, String captureOptions) {
        return "DROP TABLE IF EXISTS public." + table + ";"
                + "CREATE TABLE public." + table + " (id bigint PRIMARY KEY, status text NOT NULL);"
                + "SELECT wail.capture('public." + table + "', source => 'shop'"
                + (captureOptions.isEmpty() ? "" : ", " + captureOptions) + ");";
    }

    /** The emulation first: re-running the installer reinstalls tables captured with delivery aws_lambda. */
    public static void installWithAwsLambdaEmulation(EmbeddedPostgresServer postgres) {
        postgres.execute(awsLambdaEmulationSql());
        install(postgres);
    }

    /** The first column of every row of {@code sql}, as text, in the query's order. */
    public static List<String> rows(EmbeddedPostgresServer postgres, String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** Every payload in wail.outbox, decoded as the producer decodes it, in outbox order. */
    public static List<Intent> outboxIntents(EmbeddedPostgresServer postgres) {
        List<Intent> intents = new ArrayList<>();
        rows(postgres, "SELECT wail.outbox_payload(o) FROM wail.outbox o ORDER BY id")
                .forEach(payload -> intents.addAll(HookPayloadReader.read(payload)));
        return intents;
    }
}
