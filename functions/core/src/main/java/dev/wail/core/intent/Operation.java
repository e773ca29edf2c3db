package dev.wail.core.intent;

/**
 * What the hook saw happen. Only a hint: the consumer always reads the current state, so an intent whose
 * operation hint turns out wrong (an insert later rolled back, a delete followed by a re-insert) is harmless.
 */
public enum Operation {
    INSERT("i"),
    UPDATE("u"),
    DELETE("d"),
    /** A backfill request or a hook that cannot tell; the wire format omits the field. */
    UNKNOWN(null);

    private final String wireCode;

    Operation(String wireCode) {
        this.wireCode = wireCode;
    }

    /** The one-letter code on the wire, or {@code null} for {@link #UNKNOWN}, which is not written. */
    public String wireCode() {
        return wireCode;
    }

    /** @return the operation for a wire code, or {@code null} if the code is not one of {@code i u d}. */
    public static Operation fromWireCode(String code) {
        for (Operation op : values()) {
            if (op.wireCode != null && op.wireCode.equals(code)) {
                return op;
            }
        }
        return null;
    }
}
