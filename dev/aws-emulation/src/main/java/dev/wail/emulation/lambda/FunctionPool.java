package dev.wail.emulation.lambda;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The execution environments of one function, capped at its concurrency: an invocation takes an idle environment or
 * starts a new one (a cold start) while under the cap, and waits otherwise. An environment that crashed or timed out
 * is dropped, and the next invocation that needs one starts a fresh one. Blocking: call it from worker threads.
 */
public final class FunctionPool implements AutoCloseable {

    private final FunctionSpec spec;
    private final RuntimeClient runtime;
    private final Consumer<String> output;
    private final Semaphore slots;
    private final Deque<FunctionInstance> idle = new ArrayDeque<>();
    private final List<FunctionInstance> all = new ArrayList<>();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong invocationNanos = new AtomicLong();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger mostBusy = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param runtime          the Runtime Interface Client the environments run on
     * @param output           receives every line the function prints (logs, EMF documents)
     */
    public FunctionPool(FunctionSpec spec, int concurrency, RuntimeClient runtime, Consumer<String> output) {
        this.spec = spec;
        this.runtime = runtime;
        this.output = output;
        this.slots = new Semaphore(concurrency, true);
    }

    /**
     * Starts {@code count} environments at once and waits until each is initialised, like provisioned concurrency:
     * the run measures the pipeline, not JVM start-ups. Returns the time it took.
     */
    public java.time.Duration warm(int count) throws InterruptedException {
        long start = System.nanoTime();
        List<FunctionInstance> fresh = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            fresh.add(startInstance());
        }
        for (FunctionInstance instance : fresh) {
            if (!instance.awaitReady()) {
                throw new IllegalStateException(instance.id() + " did not initialise: see its log");
            }
            give(instance);
        }
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }

    public InvocationResult invoke(String event) {
        return invoke(event, null);
    }

    /** Invokes; {@code killAfter}, when not null, crashes the environment that long into the invocation. */
    public InvocationResult invoke(String event, Duration killAfter) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return InvocationResult.failed("interrupted while waiting for a free " + spec.name() + " instance");
        }
        try {
            if (closed) {
                return InvocationResult.failed(spec.name() + " is shut down");
            }
            mostBusy.accumulateAndGet(busy.incrementAndGet(), Math::max);
            FunctionInstance instance = take();
            long start = System.nanoTime();
            InvocationResult result;
            try {
                result = instance.invoke(event, killAfter);
            } finally {
                busy.decrementAndGet();
            }
            invocationNanos.addAndGet(System.nanoTime() - start);
            invocations.incrementAndGet();
            if (!result.ok()) {
                failures.incrementAndGet();
            }
            give(instance);
            return result;
        } finally {
            slots.release();
        }
    }

    private FunctionInstance take() {
        synchronized (idle) {
            FunctionInstance instance;
            while ((instance = idle.pollFirst()) != null) {
                if (instance.alive()) {
                    return instance;
                }
            }
        }
        return startInstance();
    }

    private FunctionInstance startInstance() {
        FunctionInstance fresh = FunctionInstance.start(spec, spec.name() + "-" + started.incrementAndGet(),
                runtime, output);
        synchronized (idle) {
            all.add(fresh);
        }
        return fresh;
    }

    private void give(FunctionInstance instance) {
        if (instance.alive() && !closed) {
            synchronized (idle) {
                idle.addFirst(instance);
            }
        }
    }

    public String name() {
        return spec.name();
    }

    /** Environments started so far (cold starts), crashed ones included. */
    public int coldStarts() {
        return started.get();
    }

    public long invocations() {
        return invocations.get();
    }

    /** The most invocations that ran at the same time. */
    public int mostAtOnce() {
        return mostBusy.get();
    }

    /** Mean duration of an invocation, hand-over to response, in milliseconds (0 before the first). */
    public double meanInvocationMillis() {
        long count = invocations.get();
        return count == 0 ? 0 : invocationNanos.get() / 1e6 / count;
    }

    /** Invocations that ended in a function error, a crash or a timeout. */
    public long failures() {
        return failures.get();
    }

    /** The process ids of the environments alive now, idle or busy: the JVMs whose memory a soak run watches. */
    public List<Long> livePids() {
        synchronized (idle) {
            return all.stream().filter(FunctionInstance::alive).map(FunctionInstance::pid).toList();
        }
    }

    /** Stops every environment; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<FunctionInstance> instances;
        synchronized (idle) {
            instances = new ArrayList<>(all);
        }
        instances.parallelStream().forEach(FunctionInstance::close);
    }
}
