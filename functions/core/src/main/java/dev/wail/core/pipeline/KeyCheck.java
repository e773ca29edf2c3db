package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import java.util.Map;
import java.util.Optional;

/**
 * What a source says about the keys of one table's intents before they are coalesced: the one spelling it gives each
 * key, so that one row has one identity however its key was written ({@code 1.50} and {@code 1.5} for a numeric,
 * {@code +02:00} and {@code Z} for a timestamptz), and the keys whose values the source can never hold.
 *
 * @param canonical the canonical form of every key the source spells differently; a key not in it is canonical as is
 * @param problems  why each key the source can never hold is invalid (naming the column, its type and the value);
 *                  the intents carrying such a key are rejected, their neighbours are unaffected
 */
public record KeyCheck(Map<EntityKey, EntityKey> canonical, Map<EntityKey, String> problems) {

    /** Every key valid and canonical as it is: what a source without key types says. */
    public static final KeyCheck UNCHANGED = new KeyCheck(Map.of(), Map.of());

    public KeyCheck {
        canonical = Map.copyOf(canonical);
        problems = Map.copyOf(problems);
    }

    /** @return the key as the source identifies it: its canonical form, or the key itself */
    public EntityKey canonicalOf(EntityKey key) {
        return canonical.getOrDefault(key, key);
    }

    /** @return why the source can never hold this key, or empty when it can */
    public Optional<String> problemOf(EntityKey key) {
        return Optional.ofNullable(problems.get(key));
    }
}
