package dev.wail.producer.handler;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What {@code aurora-hook} returns for a hook payload it fully delivered (sent to an on-success destination, if any).
 *
 * @param intents intents the log accepted, one per key of the payload
 */
@RegisterForReflection
public record HookReport(int intents) {
}
