package dev.wail.producer.handler;

/** Fails a hook invocation that was not fully delivered; its message is what the on-failure destination records. */
public final class HookDeliveryException extends RuntimeException {

    public HookDeliveryException(String message) {
        super(message, null, false, false);
    }
}
