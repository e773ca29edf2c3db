package dev.wail.embedded;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local (AWS's own emulator, streams included), in memory, in a JVM of its own, on 127.0.0.1 and a port the
 * kernel picked.
 *
 * <p>Its own process because DynamoDB Local brings AWS SDK 2.25, Jetty 12 and an old Jackson, which must never meet
 * the test classpath. The jars come from the {@code dev/dynamodb-local} module, which the build runs before this
 * one (it copies them to its {@code target/lib}); that module's launcher binds the loopback address only, sends no
 * telemetry, prints the port when ready, and exits when its standard input closes, so the emulator cannot outlive
 * the test JVM. {@link #close()} stops it.
 */
public final class EmbeddedDynamoDbServer implements AutoCloseable {

    /** The line the launcher ({@code dev.wail.dynamodblocal.LoopbackServer}, another module) prints when ready. */
    private static final String READY_PREFIX = "wail-dynamodb-local listening on 127.0.0.1:";
    private static final String LAUNCHER = "dev.wail.dynamodblocal.LoopbackServer";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int OUTPUT_LINES_KEPT = 50;

    private final Process process;
    private final URI endpoint;
    private final Duration startupTime;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    private EmbeddedDynamoDbServer(Process process, int port, Duration startupTime) {
        this.process = process;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.startupTime = startupTime;
        this.client = clientFor(endpoint);
        this.streams = streamsClientFor(endpoint);
    }

    public static EmbeddedDynamoDbServer start() {
        Path home = home();
        Path lib = home.resolve("lib");
        if (!Files.isDirectory(lib) || !Files.isDirectory(home.resolve("classes"))) {
            throw new IllegalStateException("DynamoDB Local is not in " + home + " (expected classes/ and lib/): the "
                    + "build puts it there; run `mvn -B -ntp -pl dev/test-kit -am package` once");
        }
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(javaExecutable(), "-Xmx768m", "-XX:+UseSerialGC",
                    "-Dsqlite4java.library.path=" + lib,
                    "-cp", home.resolve("classes") + File.pathSeparator + lib.resolve("*"),
                    LAUNCHER)
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start DynamoDB Local's JVM", e);
        }
        int port = awaitReady(process);
        Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
        System.getLogger(EmbeddedDynamoDbServer.class.getName()).log(System.Logger.Level.INFO,
                "DynamoDB Local ready on 127.0.0.1:" + port + " in " + startupTime.toMillis() + " ms");
        return new EmbeddedDynamoDbServer(process, port, startupTime);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** From process start to the first request it can serve. */
    public Duration startupTime() {
        return startupTime;
    }

    /** A client of this server (dummy credentials, us-east-1); shared, closed with the server. */
    public DynamoDbClient client() {
        return client;
    }

    /** A DynamoDB Streams client of this server; shared, closed with the server. */
    public DynamoDbStreamsClient streamsClient() {
        return streams;
    }

    /** A client of a DynamoDB endpoint on this machine (dummy credentials, us-east-1); the caller closes it. */
    public static DynamoDbClient clientFor(URI endpoint) {
        return LocalAws.pointedAt(DynamoDbClient.builder(), endpoint).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** A DynamoDB Streams client of an endpoint on this machine; the caller closes it. */
    public static DynamoDbStreamsClient streamsClientFor(URI endpoint) {
        return LocalAws.pointedAt(DynamoDbStreamsClient.builder(), endpoint)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** A key attribute of a table: its name and scalar type (S, N or B). */
    public record KeyAttribute(String name, ScalarAttributeType type) {
    }

    /**
     * Creates an on-demand table keyed by a partition key and optionally a sort key, with a stream of the given view
     * type, or none when {@code streamView} is {@code null}.
     *
     * @return the table's stream ARN, or {@code null} without a stream
     */
    public static String createTable(DynamoDbClient client, String table, StreamViewType streamView,
            KeyAttribute partitionKey, KeyAttribute... sortKey) {
        List<KeyAttribute> keys = new ArrayList<>(List.of(partitionKey));
        keys.addAll(List.of(sortKey));
        List<KeySchemaElement> schema = new ArrayList<>();
        List<AttributeDefinition> definitions = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            KeyAttribute key = keys.get(i);
            schema.add(KeySchemaElement.builder().attributeName(key.name())
                    .keyType(i == 0 ? KeyType.HASH : KeyType.RANGE).build());
            definitions.add(AttributeDefinition.builder().attributeName(key.name()).attributeType(key.type()).build());
        }
        StreamSpecification stream = streamView == null ? StreamSpecification.builder().streamEnabled(false).build()
                : StreamSpecification.builder().streamEnabled(true).streamViewType(streamView).build();
        return client.createTable(b -> b.tableName(table).keySchema(schema).attributeDefinitions(definitions)
                .billingMode(BillingMode.PAY_PER_REQUEST).streamSpecification(stream))
                .tableDescription().latestStreamArn();
    }

    /**
     * Every record currently in a stream, shard by shard in stream order, read the way a stream consumer reads them
     * (DescribeStream, GetShardIterator from TRIM_HORIZON, GetRecords until a call returns nothing new).
     */
    public static List<Record> readStream(DynamoDbStreamsClient streams, String streamArn) {
        List<Record> records = new ArrayList<>();
        List<Shard> shards = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards();
        for (Shard shard : shards) {
            String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(current));
                records.addAll(page.records());
                iterator = page.records().isEmpty() ? null : page.nextShardIterator();
            }
        }
        return records;
    }

    @Override
    public void close() {
        streams.close();
        client.close();
        try {
            // Closing its input is the launcher's signal to stop; destroy only if it does not.
            process.getOutputStream().close();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path home() {
        Properties location = new Properties();
        try (InputStream in = EmbeddedDynamoDbServer.class.getResourceAsStream("dynamodb-local.properties")) {
            if (in == null) {
                throw new IllegalStateException("dynamodb-local.properties is missing from wail-embedded-services");
            }
            location.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Path.of(location.getProperty("home")).normalize();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits for the launcher's ready line; fails with the process's last output if it exits or takes too long. */
    private static int awaitReady(Process process) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Deque<String> output = new ArrayDeque<>();
        Thread reader = new Thread(() -> watchOutput(process, port, output), "dynamodb-local-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            String cause = e instanceof TimeoutException ? "was not ready within " + START_TIMEOUT.toSeconds() + " s"
                    : e.getCause().getMessage();
            synchronized (output) {
                throw new IllegalStateException("DynamoDB Local " + cause + "; its last output:\n"
                        + String.join("\n", output));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while DynamoDB Local was starting", e);
        }
    }

    /**
     * Reads the launcher's output for as long as it runs: keeps the last lines until the ready line (to explain a
     * failed start), then passes anything it still says on to stderr, where a failing test's report shows it.
     */
    private static void watchOutput(Process process, CompletableFuture<Integer> port, Deque<String> kept) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (port.isDone()) {
                    System.err.println("[dynamodb-local] " + line);
                } else if (line.startsWith(READY_PREFIX)) {
                    port.complete(Integer.parseInt(line.substring(READY_PREFIX.length()).trim()));
                } else {
                    synchronized (kept) {
                        kept.addLast(line);
                        if (kept.size() > OUTPUT_LINES_KEPT) {
                            kept.removeFirst();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The process ended; the check below reports it if it never became ready.
        }
        port.completeExceptionally(new IllegalStateException("exited (code " + exitCode(process) + ") before it was ready"));
    }

    private static String exitCode(Process process) {
        try {
            return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
