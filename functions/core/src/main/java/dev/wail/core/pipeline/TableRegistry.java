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
    /** The same by source, then table: looked up once per intent, without building a name. */
    private final Map<String, Map<String, TableBinding>> bySource = new HashMap<>();

    public TableRegistry(List<TableBinding> tables) {
        for (TableBinding binding : tables) {
            if (bindings.putIfAbsent(binding.qualifiedName(), binding) != null) {
                throw new IllegalArgumentException("table " + binding.qualifiedName() + " is configured twice");
            }
            bySource.computeIfAbsent(binding.source(), s -> new HashMap<>()).put(binding.table(), binding);
        }
    }

    public Optional<TableBinding> find(String source, String table) {
        Map<String, TableBinding> tables = bySource.get(source);
        return Optional.ofNullable(tables == null ? null : tables.get(table));
    }

    /** Every configured table. */
    public Collection<TableBinding> tables() {
        return Collections.unmodifiableCollection(bindings.values());
    }
}
