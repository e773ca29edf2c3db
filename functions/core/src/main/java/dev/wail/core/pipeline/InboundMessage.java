package dev.wail.core.pipeline;

import java.util.Objects;

/** One message from the intent log, as the handler received it: its id (for the outcome) and its body. */
public record InboundMessage(String id, String body) {
    public InboundMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
    }
}
