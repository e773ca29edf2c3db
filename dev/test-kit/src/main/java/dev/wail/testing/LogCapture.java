package dev.wail.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Keeps the records logged on one category (and its children) while open, each with the MDC fields it was logged
 * with, as the JSON formatter would write them under {@code mdc}. The functions log through JBoss Log Manager, the JVM's
 * log manager in every test run here, so its records carry their MDC.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    /** One record: its formatted message and the MDC fields in force when it was logged. */
    public record Line(String logger, String message, Map<String, String> mdc) {
    }

    private final Logger logger;
    private final List<Line> lines = new ArrayList<>();

    private LogCapture(String category) {
        this.logger = Logger.getLogger(category);
    }

    public static LogCapture of(String category) {
        LogCapture capture = new LogCapture(category);
        capture.logger.addHandler(capture);
        return capture;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            lines.add(new Line(record.getLoggerName(), ext.getFormattedMessage(), Map.copyOf(ext.getMdcCopy())));
        } else {
            lines.add(new Line(record.getLoggerName(), record.getMessage(), Map.of()));
        }
    }

    /** What was logged so far, in order. */
    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines whose MDC field {@code key} is {@code value}. */
    public synchronized List<Line> withMdc(String key, String value) {
        return lines.stream().filter(line -> value.equals(line.mdc().get(key))).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
