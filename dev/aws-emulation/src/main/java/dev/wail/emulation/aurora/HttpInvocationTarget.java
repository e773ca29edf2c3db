package dev.wail.emulation.aurora;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts the event to a function served over HTTP on this machine, whatever the function name: Quarkus' Lambda mock
 * event server ({@code http://localhost:8080/_lambda_} in dev mode, the test port in tests) or the Lambda Runtime
 * Interface Emulator ({@code http://localhost:9000/2015-03-31/functions/function/invocations}). Both answer 2xx when
 * the handler returned and 500 with the error JSON when it threw.
 */
public final class HttpInvocationTarget implements InvocationTarget {

    private final HttpClient http;
    private final URI endpoint;
    private final Duration timeout;

    public HttpInvocationTarget(URI endpoint, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    @Override
    public InvokeOutcome invoke(String functionName, String payload) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                return InvokeOutcome.succeeded();
            }
            return InvokeOutcome.functionError("HTTP " + response.statusCode() + " from " + functionName + ": "
                    + response.body());
        } catch (IOException e) {
            return InvokeOutcome.unreachable(functionName + " at " + endpoint + " is not reachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return InvokeOutcome.unreachable("interrupted while invoking " + functionName);
        }
    }
}
