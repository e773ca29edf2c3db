package dev.wail.embedded;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * kinesis-mock (npm {@code kinesis-local} {@value #VERSION}), a Kinesis Data Streams emulator, run as a Node.js
 * process on free ports of 127.0.0.1.
 *
 * <p>The package is installed once with npm into {@code ~/.cache/wail/kinesis-local-<version>} (a file lock keeps
 * concurrent builds from installing it twice). kinesis-mock hard-codes the wildcard address for its listeners, so a
 * small preloaded script ({@code bind-loopback.js}) binds them to 127.0.0.1. Closing this object stops the process.
 *
 * <p>What the emulator does and does not do, found in its source: it never throttles ({@code
 * ProvisionedThroughputExceededException} is only a decodable error code), but it fails a single record of a {@code
 * PutRecords} call, with {@code InvalidArgumentException}, when that record's data is larger than the stream's max
 * record size (1 MiB unless raised with {@code UpdateMaxRecordSize}, up to 10 MiB): that is the way to get a real
 * partial failure from it.
 */
public final class EmbeddedKinesisServer implements AutoCloseable {

    public static final String VERSION = "0.6.2";
    public static final String REGION = EmbeddedSqsServer.REGION;
    public static final String ACCOUNT = EmbeddedSqsServer.ACCOUNT;

    private final ServiceProcess process;
    private final Path shim;
    private final int port;
    private final KinesisClient client;

    private EmbeddedKinesisServer(ServiceProcess process, Path shim, int port) {
        this.process = process;
        this.shim = shim;
        this.port = port;
        this.client = newClient();
    }

    public static EmbeddedKinesisServer start() {
        Path packageDir = NpmPackage.install("kinesis-local", VERSION);
        int port = FreePorts.next();
        try {
            Path shim = Files.createTempFile("wail-bind-loopback-", ".js");
            Files.writeString(shim, TestData.resource("/dev/wail/embedded/bind-loopback.js"));
            ProcessBuilder builder = new ProcessBuilder("node", "--require", shim.toString(), "main.js")
                    .directory(packageDir.toFile());
            Map<String, String> env = builder.environment();
            env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
            env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(FreePorts.next()));
            env.put("AWS_REGION", REGION);
            env.put("AWS_ACCOUNT_ID", ACCOUNT);
            env.put("LOG_LEVEL", "WARN");
            env.put("LOAD_DATA_IF_EXISTS", "false");
            env.put("CREATE_STREAM_DURATION", "50ms");
            EmbeddedKinesisServer server = new EmbeddedKinesisServer(ServiceProcess.start("kinesis-local", builder),
                    shim, port);
            server.process.awaitReady(Duration.ofSeconds(60), server::answers);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("kinesis-local did not start (is node on the PATH?)", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of this server; shared, closed with the server. */
    public KinesisClient client() {
        return client;
    }

    /** A new client of this server, with dummy credentials; the caller closes it. */
    public KinesisClient newClient(ExecutionInterceptor... interceptors) {
        return KinesisClient.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** Creates a provisioned stream and waits until it is ACTIVE. */
    public void createStream(String name, int shards) {
        client.createStream(b -> b.streamName(name).shardCount(shards));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
                        .streamStatus() == StreamStatus.ACTIVE);
    }

    public static String streamArn(String name) {
        return "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + name;
    }

    public List<Shard> shards(String stream) {
        return shards(client, stream);
    }

    /** Every record of the stream, read from the start of each shard, by shard id. */
    public Map<String, List<Record>> recordsByShard(String stream) {
        return recordsByShard(client, stream);
    }

    /** Every record of the stream, shard after shard. */
    public List<Record> records(String stream) {
        return records(client, stream);
    }

    /** The shards of a stream, through any client (e.g. the one an application under test uses). */
    public static List<Shard> shards(KinesisClient client, String stream) {
        return client.listShards(b -> b.streamName(stream)).shards();
    }

    public static Map<String, List<Record>> recordsByShard(KinesisClient client, String stream) {
        Map<String, List<Record>> byShard = new LinkedHashMap<>();
        for (Shard shard : shards(client, stream)) {
            byShard.put(shard.shardId(), readShard(client, stream, shard.shardId()));
        }
        return byShard;
    }

    public static List<Record> records(KinesisClient client, String stream) {
        return recordsByShard(client, stream).values().stream().flatMap(List::stream).toList();
    }

    private static List<Record> readShard(KinesisClient client, String stream, String shardId) {
        String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<Record> records = new ArrayList<>();
        GetRecordsResponse page;
        do {
            String current = iterator;
            page = client.getRecords(b -> b.shardIterator(current));
            records.addAll(page.records());
            iterator = page.nextShardIterator();
        } while (!page.records().isEmpty() && iterator != null);
        return records;
    }

    /**
     * The shard Kinesis puts a record with this partition key on: the one whose hash key range holds the MD5 of the
     * key (UTF-8) read as an unsigned 128-bit integer.
     */
    public static String shardFor(List<Shard> shards, String partitionKey) {
        BigInteger hash = new BigInteger(1, md5(partitionKey.getBytes(StandardCharsets.UTF_8)));
        return shards.stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .filter(s -> hash.compareTo(new BigInteger(s.hashKeyRange().startingHashKey())) >= 0
                        && hash.compareTo(new BigInteger(s.hashKeyRange().endingHashKey())) <= 0)
                .map(Shard::shardId)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no open shard holds hash key " + hash));
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }

    private boolean answers() {
        try {
            client.listStreams();
            return true;
        } catch (SdkException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
        process.close();
        try {
            Files.deleteIfExists(shim);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
