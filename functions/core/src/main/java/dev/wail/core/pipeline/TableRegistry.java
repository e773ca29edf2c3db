package dev.wail.core.pipeline;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tables the consumer knows, looked up by the (source, table) an intent names. Immutable. */
public final class TableRegistry {

    private final Map<String, TableBinding> bindings = new HashMap<>();

    public TableRegistry(List<TableBinding> tables) {
        for (TableBinding binding : tables) {
            if (bindings.putIfAbsent(binding.qualifiedName(), binding) != null) {
                throw new IllegalArgumentException("table " + binding.qualifiedName() + " is configured twice");
            }
        }
    }

    public Optional<TableBinding> find(String source, String table) {
        return Optional.ofNullable(bindings.get(source + "/" + table));
    }

    /** Every configured table. */
    public Collection<TableBinding> tables() {
        return Collections.unmodifiableCollection(bindings.values());
    }

    public int size() {
        return bindings.size();
    }
}
