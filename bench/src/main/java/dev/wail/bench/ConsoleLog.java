package dev.wail.bench;

import java.util.logging.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Log records on the console for a plain {@code java -cp} run. The functions bring Quarkus' bootstrap runner onto the
 * classpath, whose initial log configurator buffers every record until a Quarkus application starts (never, here)
 * and ignores {@code logging.properties}: without this, the benchmark's progress and warnings reach no one.
 */
final class ConsoleLog {

    /** Libraries that log their configuration at INFO; their warnings still show. */
    private static final String[] CHATTY = {"io.debezium", "org.apache.kafka", "org.elasticmq", "org.apache.pekko",
        "io.zonky"};

    private ConsoleLog() {
    }

    /** Call first thing in {@code main}: the JUL manager can only be chosen before anything logs. */
    static void install() {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        Logger root = LogContext.getLogContext().getLogger("");
        ConsoleHandler console = new ConsoleHandler(ConsoleHandler.Target.SYSTEM_OUT,
                new PatternFormatter("%d{HH:mm:ss} %-5p [%c{1}] %s%e%n"));
        console.setLevel(Level.INFO);
        console.setAutoFlush(true);
        root.setLevel(Level.INFO);
        root.addHandler(console);
        for (String name : CHATTY) {
            LogContext.getLogContext().getLogger(name).setLevel(Level.WARNING);
        }
    }
}
