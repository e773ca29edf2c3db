package dev.wail.dynamodblocal;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.io.IOException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Runs DynamoDB Local in memory on 127.0.0.1 only, on a port the kernel picks, and prints
 * {@value #READY_PREFIX}{@code <port>} on stdout once it accepts requests.
 *
 * <p>Why not DynamoDB Local's own {@code ServerRunner}: it binds every interface (it has no host option), needs a port
 * chosen in advance (a race when several test JVMs share a machine), and sends telemetry unless told not to. This
 * launcher builds the same request handler {@code ServerRunner} builds for {@code -inMemory}, but behind a Jetty
 * connector bound to the loopback address, and never configures telemetry, so nothing is sent.
 *
 * <p>The process exits when its standard input closes: the test JVM that started it holds the other end, so the
 * emulator cannot outlive it, even when that JVM is killed.
 */
public final class LoopbackServer {

    public static final String READY_PREFIX = "wail-dynamodb-local listening on 127.0.0.1:";

    private LoopbackServer() {
    }

    public static void main(String[] args) throws Exception {
        LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(
                new LocalDynamoDBRequestHandler(0, true, null, false, false), null);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        // DynamoDBProxyServer only lends its handler tree here; its own (all-interfaces) Jetty server is never started.
        server.setHandler(new DynamoDBProxyServer(0, handler).setUpHandler(handler));
        server.start();
        System.out.println(READY_PREFIX + connector.getLocalPort());
        System.out.flush();
        awaitEndOfInput();
        server.stop();
        System.exit(0);
    }

    private static void awaitEndOfInput() {
        try {
            while (System.in.read() != -1) {
                // Input carries no commands; only its end matters.
            }
        } catch (IOException e) {
            // The parent is gone either way.
        }
    }
}
