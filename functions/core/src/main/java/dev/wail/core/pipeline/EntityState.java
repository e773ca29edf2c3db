package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import java.util.Objects;

/**
 * The current state of one entity as read from its source: a JSON document of the projected columns, or absent
 * when the source has no such row (it was deleted, or never committed).
 */
public record EntityState(EntityKey key, String document) {

    public EntityState {
        Objects.requireNonNull(key, "key");
    }

    public static EntityState present(EntityKey key, String document) {
        return new EntityState(key, Objects.requireNonNull(document, "document"));
    }

    public static EntityState absent(EntityKey key) {
        return new EntityState(key, null);
    }

    public boolean exists() {
        return document != null;
    }
}
