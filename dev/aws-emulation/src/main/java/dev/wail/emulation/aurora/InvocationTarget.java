package dev.wail.emulation.aurora;

/** Where the local invoker sends an asynchronous invocation: the function, running on this machine. */
@FunctionalInterface
public interface InvocationTarget {

    /**
     * Invokes the function with the event, synchronously, and tells how it went. Never throws for a failed
     * invocation: it returns {@link InvokeOutcome#functionError} or {@link InvokeOutcome#unreachable}.
     */
    InvokeOutcome invoke(String functionName, String payload);
}
