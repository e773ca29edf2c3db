package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import java.util.Map;

/**
 * A read failed only because the source cannot hold the values of some of its keys (for PostgreSQL: a data exception
 * such as a domain's CHECK constraint or an enum label that does not exist), and the source found out which. The
 * pipeline rejects the messages of those keys with the reason and reads the other keys again: one bad key never fails
 * its neighbours. A source throws it only when every other key of the read is readable.
 */
public final class UnreadableKeysException extends RuntimeException {

    private final transient Map<EntityKey, String> reasons;

    /** @param reasons for each unreadable key, the source's own words for why (never empty) */
    public UnreadableKeysException(Map<EntityKey, String> reasons) {
        super(reasons.size() + " key(s) the source cannot hold: " + reasons.values().iterator().next(), null,
                false, false);
        this.reasons = Map.copyOf(reasons);
    }

    public Map<EntityKey, String> reasons() {
        return reasons;
    }
}
