package dev.wail.producer.hook;

/** A hook payload that cannot be turned into intents; names the field and what was wrong with it. */
public final class HookPayloadException extends RuntimeException {

    public HookPayloadException(String field, String problem) {
        super("hook payload field '" + field + "': " + problem, null, false, false);
    }

    public HookPayloadException(String problem) {
        super("hook payload: " + problem, null, false, false);
    }
}
