package dev.wail.local;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of the main job. The embedded services start before Quarkus does, because the SQS connector and the
 * datasource read their addresses from configuration at start-up; then {@link LocalPipeline} runs inside Quarkus.
 */
@QuarkusMain
public final class LocalPipelineMain {

    /** The running services, for {@link LocalPipeline}, which Quarkus instantiates itself. */
    static volatile LocalServices services;

    private LocalPipelineMain() {
    }

    public static void main(String... args) {
        RunOptions options;
        try {
            options = RunOptions.parse(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("local/run: " + e.getMessage());
            System.err.println("Try 'local/run --help' for the options.");
            System.exit(2);
            return;
        }
        CommandLine help = RunOptions.commandLine();
        help.parseArgs(args);
        if (help.isUsageHelpRequested() || help.isVersionHelpRequested()) {
            help.usage(System.out);
            System.exit(0);
            return;
        }
        useDummyCredentialsUnlessAws(options);
        int[] exitCode = {1};
        System.out.println("wail local pipeline: starting embedded PostgreSQL and the " + options.log()
                + " intent log" + options.endpoint().map(e -> " at " + e).orElse(" (embedded)") + "...");
        try (LocalServices started = LocalServices.start(options)) {
            services = started;
            for (Map.Entry<String, String> setting : started.quarkusConfig().entrySet()) {
                System.setProperty(setting.getKey(), setting.getValue());
            }
            Quarkus.run(LocalPipeline.class, (code, failure) -> {
                exitCode[0] = code;
                if (failure != null) {
                    failure.printStackTrace();
                }
            }, args);
        } catch (RuntimeException e) {
            System.err.println("local/run: " + e.getMessage());
            e.printStackTrace();
        }
        System.exit(exitCode[0]);
    }

    /** Emulators take any credentials; never invent some for the real AWS endpoints. */
    private static void useDummyCredentialsUnlessAws(RunOptions options) {
        if (!options.endpoint().filter("aws"::equals).isPresent()) {
            System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "local"));
            System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "local"));
        }
        System.setProperty("aws.region", System.getProperty("aws.region", "us-east-1"));
        // Kinesis over plain JSON: every emulator speaks it (moto only speaks it), and so does AWS.
        System.setProperty("aws.cborEnabled", "false");
    }
}
