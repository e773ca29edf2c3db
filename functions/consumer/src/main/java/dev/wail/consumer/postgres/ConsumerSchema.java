package dev.wail.consumer.postgres;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgException;
import jakarta.inject.Singleton;
import java.util.Iterator;

/**
 * Checks, at a consumer's first batch, that the deploy-time schema step has installed the bookkeeping schema (version
 * {@link SchemaInstaller#VERSION} or newer) in the read-model database. Nothing is checked at start-up: the check is
 * one query on the datasource's pool, made by the first invocation (after a SnapStart restore, never before the
 * snapshot). Once it passed, later batches skip it; while it fails, every batch fails with the same message.
 */
@Singleton
public class ConsumerSchema {

    /** PostgreSQL's undefined_table and invalid_schema_name. */
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_SCHEMA = "3F000";

    static final String HOW_TO_INSTALL = "run the deploy-time schema step: the Terraform module invokes it "
            + "(aws_lambda_invocation.consumer_schema, function <name>-consumer-schema, QUARKUS_LAMBDA_HANDLER="
            + "install-schema); by hand, `aws lambda invoke --function-name <name>-consumer-schema out.json`, or psql "
            + "with " + SchemaInstaller.SCHEMA + " from the consumer's sources (see docs/consumer.md, \"The "
            + "bookkeeping schema\"). The batch is retried";

    private final Pool readModel;
    private volatile boolean confirmed;

    public ConsumerSchema(Pool readModel) {
        this.readModel = readModel;
    }

    /**
     * @throws MissingSchemaException when the schema is missing or older than this consumer needs; the caller fails
     *     the invocation, so that the event source delivers the batch again
     */
    public void check() {
        if (confirmed) {
            return;
        }
        int installed = installedVersion();
        if (installed < SchemaInstaller.VERSION) {
            throw new MissingSchemaException("the consumer's bookkeeping schema in the read-model database is version "
                    + installed + "; this consumer needs version " + SchemaInstaller.VERSION + ": " + HOW_TO_INSTALL);
        }
        confirmed = true;
    }

    private int installedVersion() {
        try {
            Iterator<Row> rows = readModel.query("SELECT coalesce(max(version), 0) FROM wail.consumer_schema")
                    .execute().await().indefinitely().iterator();
            return rows.next().getInteger(0);
        } catch (PgException e) {
            if (UNDEFINED_TABLE.equals(e.getSqlState()) || UNDEFINED_SCHEMA.equals(e.getSqlState())) {
                throw new MissingSchemaException("the consumer's bookkeeping schema (wail.consumer_schema, "
                        + "wail.sink_positions, wail.source_epochs, wail.dead_letters) is missing from the read-model "
                        + "database (" + e.getErrorMessage() + "): " + HOW_TO_INSTALL, e);
            }
            throw e;
        }
    }

    /** The read-model database lacks the schema (or has an older one) that the deploy-time step installs. */
    public static final class MissingSchemaException extends IllegalStateException {
        MissingSchemaException(String message) {
            super(message);
        }

        MissingSchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
