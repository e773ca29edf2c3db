package dev.wail.embedded;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * An emulator a test runs as a process of its own: its output goes to a temporary log (shown when it fails to start),
 * it is ready when a probe says so, and {@link #close()} stops it and deletes the log.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code builder}'s command with its output (stdout and stderr) in a temporary log. */
    static ServiceProcess start(String name, ProcessBuilder builder) {
        try {
            Path log = Files.createTempFile("wail-" + name + "-", ".log");
            Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ServiceProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " did not start", e);
        }
    }

    /**
     * Waits until {@code ready} answers true; fails with the process's output if it exits first, and stops it if it
     * never gets ready.
     */
    void awaitReady(Duration atMost, Callable<Boolean> ready) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ": "
                            + Files.readString(log));
                }
                return ready.call();
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
