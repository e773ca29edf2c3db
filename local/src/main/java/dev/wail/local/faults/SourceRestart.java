package dev.wail.local.faults;

import dev.wail.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops the embedded PostgreSQL server and starts it again on the same port and data directory, as a database restart
 * (a failover, a maintenance reboot) looks to its clients: every connection is closed, nothing answers for a while, then
 * the server is back with everything committed before the stop. {@code pg_ctl} is the one next to the running
 * server's binary; the restart reuses the server's own command line ({@code postmaster.opts}), as
 * {@code pg_ctl restart} does.
 */
public final class SourceRestart {

    private final Path pgCtl;
    private final Path dataDirectory;
    private final String serverOptions;

    private SourceRestart(Path pgCtl, Path dataDirectory, String serverOptions) {
        this.pgCtl = pgCtl;
        this.dataDirectory = dataDirectory;
        this.serverOptions = serverOptions;
    }

    /** Finds the running server's binaries, data directory and options. */
    public static SourceRestart of(EmbeddedPostgresServer postgres) {
        Path data = Path.of(postgres.queryString("SHOW data_directory"));
        try {
            String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
            Path postgresBinary = Path.of("/proc", pid, "exe").toRealPath();
            // postmaster.opts: the binary, then its arguments, each in double quotes.
            String opts = Files.readString(data.resolve("postmaster.opts")).trim();
            String arguments = opts.substring(opts.indexOf(' ') + 1);
            return new SourceRestart(postgresBinary.resolveSibling("pg_ctl"), data, arguments);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("--fault source-restart: cannot find the embedded PostgreSQL's pg_ctl and "
                    + "options (from " + data + "/postmaster.pid and postmaster.opts): " + e.getMessage(), e);
        }
    }

    /** Fast shutdown: open transactions are rolled back, every client is disconnected. */
    public void stop() {
        pgCtl("stop", "-m", "fast");
    }

    /** Starts the server again with its previous options and waits until it accepts connections. */
    public void start() {
        pgCtl("start", "-o", serverOptions, "-l", dataDirectory.resolve("restart.log").toString());
    }

    private void pgCtl(String action, String... extra) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // pg_ctl refuses to run as root; the embedded server was started the same way (zonky: unshare -U).
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(pgCtl.toString(), action, "-D", dataDirectory.toString(), "-w", "-t", "60"));
        command.addAll(List.of(extra));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("pg_ctl " + action + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("pg_ctl " + action + " did not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during pg_ctl " + action, e);
        }
    }
}
