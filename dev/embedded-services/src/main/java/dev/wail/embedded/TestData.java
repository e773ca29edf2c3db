package dev.wail.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Small, blocking helpers tests use to arrange and inspect the real services. */
public final class TestData {

    private TestData() {
    }

    /** A classpath resource as UTF-8 text, e.g. {@code /wail/hooks.sql} or an event JSON file. */
    public static String resource(String path) {
        try (InputStream in = TestData.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no classpath resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a SQL script on a fresh connection (autocommit). */
    public static void execute(String jdbcUrl, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    /** The first column of the first row, as text; fails when there is no row. */
    public static String queryString(String jdbcUrl, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            if (!r.next()) {
                throw new AssertionError("no row for: " + sql);
            }
            return r.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    /** Receives until the queue answers empty; the messages stay invisible for the queue's visibility timeout. */
    public static List<Message> receiveAll(SqsClient sqs, String queueUrl) {
        return receiveUntilEmpty(sqs, queueUrl, false);
    }

    /**
     * Receives and deletes until the queue answers empty. A FIFO queue holds back the rest of a message group while
     * some of it is in flight, so reading a FIFO queue completely needs the deletes.
     */
    public static List<Message> receiveAndDeleteAll(SqsClient sqs, String queueUrl) {
        return receiveUntilEmpty(sqs, queueUrl, true);
    }

    private static List<Message> receiveUntilEmpty(SqsClient sqs, String queueUrl, boolean delete) {
        List<Message> all = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            all.addAll(batch);
            for (Message message : delete ? batch : List.<Message>of()) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        } while (!batch.isEmpty());
        return all;
    }
}
