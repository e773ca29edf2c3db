package dev.wail.core.intent;

/**
 * A value outside {@link IntentLimits}. {@link #field()} names it as the caller spelled it ({@code k.id}, {@code s},
 * {@code k[3][0]}); {@link #problem()} says which limit it breaks and what was found.
 */
public final class IntentLimitException extends IllegalArgumentException {

    private final String field;
    private final String problem;

    public IntentLimitException(String field, String problem) {
        super("field '" + field + "': " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // A refusal of input, not a bug: the field and the problem say everything; no stack trace to pay for.
        return this;
    }
}
