package dev.wail.producer;

import dev.wail.testing.EmbeddedPostgresServer;
import dev.wail.testing.TestData;

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
}
