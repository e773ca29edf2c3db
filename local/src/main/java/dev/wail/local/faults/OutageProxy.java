package dev.wail.local.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of one service, which a fault can cut: while it is cut, every open connection is
 * reset and every new one is closed as soon as it is accepted, so that the clients behind it see the service as
 * unreachable (connection refused or reset) while the service itself keeps its state. One thread per direction per
 * connection: the pipeline opens a few dozen connections at most.
 */
public final class OutageProxy implements AutoCloseable {

    private final String name;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private OutageProxy(String name, int targetPort, ServerSocket listener) {
        this.name = name;
        this.targetPort = targetPort;
        this.listener = listener;
    }

    /** Starts relaying a free port on 127.0.0.1 to {@code targetPort} on 127.0.0.1. */
    public static OutageProxy start(String name, int targetPort) {
        try {
            ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            OutageProxy proxy = new OutageProxy(name, targetPort, listener);
            Thread acceptor = new Thread(proxy::accept, "outage-proxy-" + name);
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a relay port for " + name, e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Makes the service unreachable through this relay: resets every open connection, refuses new ones. */
    public void cut() {
        cut = true;
        open.forEach(OutageProxy::reset);
    }

    /** Lets connections through again. */
    public void restore() {
        cut = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (cut) {
                    reset(client);
                    continue;
                }
                Socket upstream;
                try {
                    upstream = new Socket();
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                } catch (IOException e) {
                    reset(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("outage proxy " + name + ": " + e.getMessage());
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // reset or closed by the other side: close both below
            } finally {
                reset(from);
                reset(to);
                open.remove(from);
                open.remove(to);
            }
        }, "outage-proxy-" + name + "-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with a TCP reset (linger 0), as a vanished host or a killed server would look to the client. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(OutageProxy::reset);
    }
}
