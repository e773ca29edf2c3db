package dev.wail.embedded;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

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

    private final ServiceProcess process;
    private final int port;

    private MotoServer(ServiceProcess process, int port) {
        this.process = process;
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
        MotoServer server = new MotoServer(ServiceProcess.start("moto-server",
                new ProcessBuilder(command.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))), port);
        server.process.awaitReady(Duration.ofSeconds(60), server::answers);
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
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
        process.close();
    }
}
