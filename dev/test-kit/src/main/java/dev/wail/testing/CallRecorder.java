package dev.wail.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Watches a real SDK client: every call it completes (or fails) is kept with its request and response, so tests and
 * benchmarks can count and weigh the calls a component makes against a real service without replacing the client.
 * Thread-safe.
 */
public final class CallRecorder implements ExecutionInterceptor {

    /** One API call: its operation name (e.g. {@code PutRecords}), request, and response ({@code null} if it failed). */
    public record Call(String operation, SdkRequest request, SdkResponse response) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        calls.add(new Call(operation(attributes), context.request(), context.response()));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        calls.add(new Call(operation(attributes), context.request(), null));
    }

    /** The calls of one operation, in the order they finished. */
    public List<Call> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** The requests of one type (e.g. {@code PutRecordsRequest.class}), in the order their calls finished. */
    public <T extends SdkRequest> List<T> requests(Class<T> type) {
        return calls.stream().map(Call::request).filter(type::isInstance).map(type::cast).toList();
    }

    /** The responses of one type, in the order their calls finished. */
    public <T extends SdkResponse> List<T> responses(Class<T> type) {
        return calls.stream().map(Call::response).filter(type::isInstance).map(type::cast).toList();
    }

    public void clear() {
        calls.clear();
    }

    private static String operation(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }
}
