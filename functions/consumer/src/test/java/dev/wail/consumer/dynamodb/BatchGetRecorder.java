package dev.wail.consumer.dynamodb;

import dev.wail.embedded.LocalAws;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

/**
 * Records the keys each BatchGetItem call asks for: an observer on a real client, which still talks to the server.
 */
final class BatchGetRecorder implements ExecutionInterceptor {

    private final List<Integer> keysPerCall = new CopyOnWriteArrayList<>();

    /** An asynchronous client for the server at {@code endpoint}, observed by this recorder. */
    DynamoDbAsyncClient client(URI endpoint) {
        return LocalAws.pointedAt(DynamoDbAsyncClient.builder(), endpoint)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(this))
                .build();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof BatchGetItemRequest request) {
            keysPerCall.add(request.requestItems().values().stream().mapToInt(k -> k.keys().size()).sum());
        }
    }

    /** The keys asked for per call, in the order the calls were made. */
    List<Integer> keysPerCall() {
        return keysPerCall;
    }

    /** How many calls were made since the last time this was asked. */
    int takeCalls() {
        int calls = keysPerCall.size();
        keysPerCall.clear();
        return calls;
    }
}
