package dev.wail.emulation.mapping;

import dev.wail.emulation.lambda.InvocationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An EventBridge schedule rule ({@code rate(...)}) targeting a function, as the Terraform module wires the outbox
 * drain: every {@code rate} the function is invoked asynchronously with a {@code Scheduled Event}, whether or not the
 * previous invocation has ended, so invocations overlap when one outlasts the rate. An invocation that finds every
 * environment busy waits for one (Lambda's event queue retries a throttled invocation). The first invocation is at
 * start: the run joins a deployment whose schedule is already ticking, not one created a rate ago. A failed
 * invocation is not retried: the next tick drains what it left.
 */
public final class Schedule implements AutoCloseable {

    private final Function<String, InvocationResult> invoke;
    private final String ruleArn;
    private final String region;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("schedule"));
    private final ExecutorService invocations = Executors.newCachedThreadPool(daemon("scheduled-invocation"));
    private final AtomicLong fired = new AtomicLong();

    /** @param invoke invokes the target function with an event and returns when the invocation has ended */
    public Schedule(Function<String, InvocationResult> invoke, String ruleArn, String region) {
        this.invoke = invoke;
        this.ruleArn = ruleArn;
        this.region = region;
    }

    /** Fires now, then every {@code rate}. */
    public Schedule start(Duration rate) {
        ticker.scheduleAtFixedRate(this::fire, 0, rate.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void fire() {
        fired.incrementAndGet();
        String event = scheduledEvent(Instant.now());
        // The outcome is the pool's to count (FunctionPool.failures): a failed drain is not retried here.
        invocations.submit(() -> invoke.apply(event));
    }

    /** The event EventBridge sends a schedule rule's target; the drain ignores its content. */
    private String scheduledEvent(Instant time) {
        return """
                {"version":"0","id":"%s","detail-type":"Scheduled Event","source":"aws.events",\
                "account":"000000000000","time":"%s","region":"%s","resources":["%s"],"detail":{}}"""
                .formatted(UUID.randomUUID(), time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), region,
                        ruleArn);
    }

    /** Invocations started by the rule so far. */
    public long fired() {
        return fired.get();
    }

    /** Stops firing and abandons invocations still waiting for an environment; running ones end with the function. */
    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        invocations.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
