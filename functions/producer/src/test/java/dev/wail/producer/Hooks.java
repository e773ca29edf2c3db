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

    /** The emulation first: re-running the installer reinstalls tables captured with delivery aws_lambda. */
    public static void installWithAwsLambdaEmulation(EmbeddedPostgresServer postgres) {
        postgres.execute(awsLambdaEmulationSql());
        install(postgres);
    }
}
