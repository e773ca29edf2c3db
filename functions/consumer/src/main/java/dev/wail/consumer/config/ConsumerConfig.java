package dev.wail.consumer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The consumer's table registry, under {@code wail.sources.<source>.tables.<table>}. Example:
 *
 * <pre>
 * wail.sources.shop.tables.orders.key-columns=id
 * wail.sources.shop.tables.orders.columns=id,customer,status,total
 * wail.sources.shop.tables.orders.sink-table=read_model.orders
 * wail.sources.shop.tables."sales.refunds".key-columns=tenant,refund_id
 * </pre>
 *
 * Table names are written as the hooks report them: {@code orders} for PostgreSQL's {@code public} schema,
 * {@code schema.table} (quoted, because of the dot) otherwise.
 */
@ConfigMapping(prefix = "wail")
public interface ConsumerConfig {

    /** Configured sources by name; intents naming any other source are rejected. */
    Map<String, Source> sources();

    interface Source {
        /** Configured tables of this source by name; intents naming any other table are rejected. */
        Map<String, Table> tables();
    }

    interface Table {
        /** Primary key columns, in key order. */
        @WithName("key-columns")
        List<String> keyColumns();

        /** Columns read from the source and written to the sink; must include the key columns. */
        List<String> columns();

        /** A column whose value grows with every write of a row, if the table has one. */
        @WithName("version-column")
        Optional<String> versionColumn();

        /** The read-model table ({@code schema.table} or {@code table}) the PostgreSQL sink writes to. */
        @WithName("sink-table")
        String sinkTable();
    }
}
