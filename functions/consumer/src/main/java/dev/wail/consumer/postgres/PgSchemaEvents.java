package dev.wail.consumer.postgres;

import dev.wail.core.pipeline.TableBinding;

/**
 * What the PostgreSQL source reports about tables whose definition changed under a running consumer (see
 * {@link PgHydrator}): a reload of its cached key types and statement, and a configuration that no longer fits the
 * source table. Called on the thread that noticed; implementations only record (metrics), never block.
 */
public interface PgSchemaEvents {

    /** Reports nothing. */
    PgSchemaEvents NONE = new PgSchemaEvents() {
        @Override
        public void definitionReloaded(TableBinding table, String why) {
        }

        @Override
        public void configurationMismatch(TableBinding table, String reason) {
        }
    };

    /** The cached key types and statement of {@code table} were dropped and looked up again, for {@code why}. */
    void definitionReloaded(TableBinding table, String why);

    /**
     * The configuration of {@code table} no longer fits its source table; {@code reason} says what changed and which
     * setting to update. The table's messages are retried until the source or the configuration is fixed.
     */
    void configurationMismatch(TableBinding table, String reason);
}
