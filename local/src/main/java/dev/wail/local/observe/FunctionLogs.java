package dev.wail.local.observe;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A function's log group on disk: every line its instances print goes to {@code <dir>/<function>.log}, as CloudWatch
 * Logs would keep it, and through the EMF tally.
 */
public final class FunctionLogs implements AutoCloseable {

    private final PrintWriter file;
    private final EmfTally tally;

    public FunctionLogs(Path directory, String function, EmfTally tally) {
        try {
            Files.createDirectories(directory);
            this.file = new PrintWriter(Files.newBufferedWriter(directory.resolve(function + ".log"),
                    StandardCharsets.UTF_8), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log of " + function + " under " + directory, e);
        }
        this.tally = tally;
    }

    public Consumer<String> sink() {
        return line -> {
            tally.accept(line);
            synchronized (file) {
                file.println(line);
            }
        };
    }

    @Override
    public void close() {
        file.close();
    }
}
