package dev.wail.emulation.aurora;

/**
 * How one emulated invocation went.
 *
 * @param kind   what happened
 * @param detail the error the function returned or why it could not be reached; {@code null} on success
 */
public record InvokeOutcome(Kind kind, String detail) {

    public enum Kind {
        /** The function handled the event. */
        SUCCEEDED,
        /** The function ran and failed: counts as an attempt, like a function error on Lambda. */
        FUNCTION_ERROR,
        /** The function could not be reached (not running yet): the invocation waits, no attempt is counted. */
        UNREACHABLE
    }

    public static InvokeOutcome succeeded() {
        return new InvokeOutcome(Kind.SUCCEEDED, null);
    }

    public static InvokeOutcome functionError(String detail) {
        return new InvokeOutcome(Kind.FUNCTION_ERROR, detail);
    }

    public static InvokeOutcome unreachable(String detail) {
        return new InvokeOutcome(Kind.UNREACHABLE, detail);
    }
}
