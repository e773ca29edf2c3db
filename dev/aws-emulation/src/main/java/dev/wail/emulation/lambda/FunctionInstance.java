package dev.wail.emulation.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One execution environment of a function: a JVM running the function's unpacked zip the way Lambda's {@code java21}
 * runtime does (the AWS Runtime Interface Client as main class, the task root as working directory, handler
 * {@code io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest}), talking to its own Lambda Runtime API
 * served here on 127.0.0.1. One invocation at a time, as on Lambda.
 *
 * <p>Killing the process in the middle of an invocation is a real crash: the work the function did so far stays done,
 * the invocation fails, the instance is gone.
 */
final class FunctionInstance implements AutoCloseable {

    static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String API = "/2018-06-01/runtime";
    /**
     * How long an environment may take to start (a Quarkus JVM takes 1 to 3 s; over 60 s was seen with several JVMs
     * starting at once on 2 cores shared with other work).
     */
    private static final Duration INIT_LIMIT = Duration.ofSeconds(120);

    private final FunctionSpec spec;
    private final String id;
    private final HttpServer runtimeApi;
    private final Process process;
    /** Hand-off from {@link #invoke} to the runtime's long-polling {@code GET next}. */
    private final SynchronousQueue<Pending> next = new SynchronousQueue<>();
    private volatile Pending current;
    /** Open once the runtime has asked for its first invocation: the environment is initialised. */
    private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    private volatile String initError;
    /** Reads the process's output to its end, line by line. */
    private volatile Thread output;

    private record Pending(String requestId, String event, long deadlineMillis,
            CompletableFuture<InvocationResult> result) {
    }

    private FunctionInstance(FunctionSpec spec, String id, HttpServer runtimeApi, Process process) {
        this.spec = spec;
        this.id = id;
        this.runtimeApi = runtimeApi;
        this.process = process;
    }

    /**
     * Starts the environment: its Runtime API, then the JVM. The JVM's output (the function's logs and EMF metrics)
     * goes, line by line, to {@code output}.
     */
    static FunctionInstance start(FunctionSpec spec, String id, RuntimeClient runtime, Consumer<String> output) {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, each response then waits for
        // the runtime's delayed ACK (40 ms on Linux), twice per invocation.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a Runtime API port for " + id, e);
        }
        // The runtime's GET next blocks until an invocation arrives: each request gets its own thread.
        server.setExecutor(Executors.newCachedThreadPool(daemon("runtime-api-" + id)));
        FunctionInstance[] self = new FunctionInstance[1];
        server.createContext(API + "/invocation/", exchange -> self[0].serve(exchange));
        server.createContext(API + "/init/error", exchange -> self[0].initFailed(exchange));
        server.start();
        Process process = launch(spec, server.getAddress().getPort(), runtime);
        self[0] = new FunctionInstance(spec, id, server, process);
        self[0].output = pipe(process.getInputStream(), output, id);
        process.onExit().thenRun(self[0]::exited);
        return self[0];
    }

    private static Process launch(FunctionSpec spec, int apiPort, RuntimeClient runtime) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (spec.memoryMb() * 3 / 4) + "m", "-XX:+UseSerialGC", "-Xshare:auto",
                // What AWS advises for Java functions (JAVA_TOOL_OPTIONS): C1 only, for short starts.
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-D" + RuntimeClient.JNI_PROPERTY + "=" + runtime.jniLibrary(),
                "-cp", runtime.classpath() + "/*", RIC_MAIN, HANDLER));
        ProcessBuilder builder = new ProcessBuilder(command).directory(spec.taskRoot().toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.putAll(spec.environment());
        environment.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + apiPort);
        environment.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("LAMBDA_TASK_ROOT", spec.taskRoot().toAbsolutePath().toString());
        environment.put("_HANDLER", HANDLER);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start function " + spec.name(), e);
        }
    }

    private static Thread pipe(InputStream from, Consumer<String> output, String id) {
        Thread thread = new Thread(() -> {
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(from, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.accept(line);
                }
            } catch (IOException e) {
                output.accept("[" + id + "] output closed: " + e.getMessage());
            }
        }, "output-" + id);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Invokes and waits for the outcome: the response, the function's error, a crash of the process, or the timeout
     * (which kills the process, as Lambda does). {@code killAfter}, when set, kills the process that long after the
     * event was handed over: the crash fault.
     */
    InvocationResult invoke(String event, Duration killAfter) {
        if (!process.isAlive()) {
            return InvocationResult.failed(exitReason());
        }
        Pending pending = new Pending(UUID.randomUUID().toString(), event,
                System.currentTimeMillis() + spec.timeout().toMillis(), new CompletableFuture<>());
        try {
            String refused = awaitHandOver(pending);
            if (refused != null) {
                return InvocationResult.failed(refused);
            }
            long deadline = System.currentTimeMillis() + spec.timeout().toMillis();
            if (killAfter != null) {
                CompletableFuture.delayedExecutor(killAfter.toMillis(), TimeUnit.MILLISECONDS).execute(this::kill);
            }
            return pending.result().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill();
            return InvocationResult.failed("Task timed out after " + spec.timeout().toSeconds() + " seconds");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return InvocationResult.failed("interrupted");
        } catch (ExecutionException e) {
            return InvocationResult.failed(String.valueOf(e.getCause()));
        }
    }

    /**
     * Waits until the runtime asks for its next invocation and takes this one; the function's init (a cold start) is
     * not counted against its timeout, as on Lambda, but bounded by {@link #INIT_LIMIT}. Returns why it could not be
     * handed over, or {@code null}.
     */
    private String awaitHandOver(Pending pending) throws InterruptedException {
        long giveUpAt = System.currentTimeMillis() + INIT_LIMIT.toMillis() + spec.timeout().toMillis();
        while (!next.offer(pending, 100, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive()) {
                return exitReason();
            }
            if (System.currentTimeMillis() > giveUpAt) {
                kill();
                return id + " never asked for an invocation" + (initError == null ? "" : ": " + initError);
            }
        }
        return null;
    }

    /** Waits until the environment is initialised (its runtime polls for work); false if it died or took too long. */
    boolean awaitReady() throws InterruptedException {
        long giveUpAt = System.currentTimeMillis() + INIT_LIMIT.toMillis();
        while (!ready.await(100, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive() || System.currentTimeMillis() > giveUpAt) {
                return false;
            }
        }
        return true;
    }

    /** The environment's JVM process id (for memory readings). */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String id() {
        return id;
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/invocation/next") && exchange.getRequestMethod().equals("GET")) {
            handOver(exchange);
        } else if (path.endsWith("/response")) {
            settle(exchange, body -> InvocationResult.succeeded(body));
        } else if (path.endsWith("/error")) {
            settle(exchange, body -> InvocationResult.failed("function error: " + body));
        } else {
            respond(exchange, 404, "{\"errorMessage\":\"unknown Runtime API path " + path + "\"}");
        }
    }

    private void handOver(HttpExchange exchange) throws IOException {
        ready.countDown();
        Pending pending;
        try {
            pending = next.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        }
        current = pending;
        exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", pending.requestId());
        exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(pending.deadlineMillis()));
        exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:us-east-1:000000000000:function:" + spec.name());
        exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-" + pending.requestId());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        respond(exchange, 200, pending.event());
    }

    private void settle(HttpExchange exchange, java.util.function.Function<String, InvocationResult> outcome)
            throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        respond(exchange, 202, "{\"status\":\"OK\"}");
        Pending pending = current;
        if (pending != null && exchange.getRequestURI().getPath().contains(pending.requestId())) {
            current = null;
            pending.result().complete(outcome.apply(body));
        }
    }

    private void initFailed(HttpExchange exchange) throws IOException {
        initError = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        respond(exchange, 202, "{\"status\":\"OK\"}");
    }

    private void exited() {
        Pending pending = current;
        if (pending != null) {
            pending.result().complete(InvocationResult.failed(exitReason()));
        }
        runtimeApi.stop(0);
    }

    private String exitReason() {
        String reason = "Runtime exited with error: exit status " + process.exitValue();
        return initError == null ? reason : reason + " (init error: " + initError + ")";
    }

    private void kill() {
        process.destroyForcibly();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops the environment; returns once its output, the lines it wrote before it stopped, has been read. */
    @Override
    public void close() {
        kill();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            output.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtimeApi.stop(0);
    }
}
