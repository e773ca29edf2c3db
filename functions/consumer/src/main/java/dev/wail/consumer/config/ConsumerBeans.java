package dev.wail.consumer.config;

import dev.wail.consumer.postgres.PgHydrator;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.SqlIdentifiers;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TableRegistry;
import dev.wail.core.wire.IntentCodec;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** Wires the core pipeline to PostgreSQL from configuration. */
public class ConsumerBeans {

    @Produces
    @Singleton
    TableRegistry tableRegistry(ConsumerConfig config) {
        List<TableBinding> tables = new ArrayList<>();
        config.sources().forEach((source, sourceConfig) -> sourceConfig.tables().forEach((table, t) -> {
            TableBinding binding = new TableBinding(source, table, t.keyColumns(), t.columns(), t.versionColumn(),
                    t.sinkTable());
            SqlIdentifiers.validate(binding);
            tables.add(binding);
        }));
        return new TableRegistry(tables);
    }

    @Produces
    @Singleton
    ConsumerPipeline pipeline(TableRegistry registry, Pool pool) {
        return new ConsumerPipeline(IntentCodec.DEFAULT, registry, new PgHydrator(pool), new PgReadModelSink(pool));
    }
}
