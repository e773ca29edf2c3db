package dev.wail.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * moto_server (Python moto's stand-alone server: one endpoint for many AWS services, in memory) as a process on a free
 * port of 127.0.0.1. It is not fetched by the build: PyPI is out of reach here, so tests that need it check
 * {@link #available()} first and are skipped, saying so, when it is not on the PATH. Closing this object stops the
 * process.
 */
public final class MotoServer implements AutoCloseable {

    public static final String COMMAND = "moto_server";
    /** Why a test was skipped, for {@code Assumptions} and {@code disabledReason}. */
    public static final String MISSING = COMMAND + " is not on the PATH (it comes with Python's moto[server]: pip "
            + "install 'moto[server]'); the test that needs it is skipped";

    private final Process process;
    private final Path log;
    private final int port;

    private MotoServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Whether {@value #COMMAND} is on the PATH. */
    public static boolean available() {
        return executable().isPresent();
    }

    private static Optional<Path> executable() {
        String path = System.getenv("PATH");
        return path == null ? Optional.empty() : Arrays.stream(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, COMMAND))
                .filter(Files::isExecutable)
                .findFirst();
    }

    public static MotoServer start() {
        Path command = executable().orElseThrow(() -> new IllegalStateException(MISSING));
        int port = FreePorts.next();
        try {
            Path log = Files.createTempFile("wail-moto-server-", ".log");
            Process process = new ProcessBuilder(command.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            MotoServer server = new MotoServer(process, log, port);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("moto_server did not start", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private void awaitReady() {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("moto_server exited with " + process.exitValue() + ": "
                            + Files.readString(log));
                }
                return answers();
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** moto_server answers {@code /moto-api/} once it serves requests. */
    private boolean answers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve("/moto-api/").toURL()
                    .openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
