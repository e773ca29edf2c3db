package dev.wail.emulation.lambda;

/**
 * How one invocation ended, as the Lambda service sees it.
 *
 * @param payload the function's response (its JSON), or the error document when it failed
 * @param error   why it failed ({@code null} on success): a function error, a crash, a timeout
 */
public record InvocationResult(String payload, String error) {

    public static InvocationResult succeeded(String payload) {
        return new InvocationResult(payload, null);
    }

    public static InvocationResult failed(String error) {
        return new InvocationResult(null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
