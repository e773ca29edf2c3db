package dev.wail.core.wire;

/**
 * An intent that cannot be decoded. {@link #field()} names the offending field in wire notation ({@code k.id},
 * {@code v}, or {@code $} for the document as a whole); the message says what was wrong in words a person can act on.
 */
public final class IntentFormatException extends RuntimeException {

    private final String field;

    public IntentFormatException(String field, String problem) {
        super(("$".equals(field) ? "" : "field '" + field + "': ") + problem, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
