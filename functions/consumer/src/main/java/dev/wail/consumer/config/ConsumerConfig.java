package dev.wail.consumer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The consumer's configuration, under {@code wail.}: its sources and their tables, and its own settings. Example:
 *
 * <pre>
 * wail.sources.shop.postgres.writer-url=postgresql://aurora-writer.example:5432/shop
 * wail.sources.shop.postgres.reader-url=postgresql://aurora-reader.example:5432/shop
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
    Map<String, SourceSettings> sources();

    /** The consumer's own settings. */
    Consumer consumer();

    /** Where database credentials come from. */
    Database database();

    interface Database {
        /**
         * A Secrets Manager secret holding {@code {"username","password"}} ({@code WAIL_DATABASE_SECRET_ARN}, set by
         * the Terraform module). When set, the read model's datasource and every PostgreSQL source without its own
         * {@code password} connect with that user, read from the secret when a connection opens (kept for
         * {@code secret-ttl}).
         */
        @WithName("secret-arn")
        Optional<String> secretArn();

        /** How long a secret read from Secrets Manager is used before it is read again (rotation). */
        @WithName("secret-ttl")
        @WithDefault("PT5M")
        Duration secretTtl();
    }

    /** One configured source's settings (the pipeline's {@code Source} is what the consumer builds from them). */
    interface SourceSettings {
        /** What kind of database the source is. */
        @WithDefault("postgresql")
        Kind kind();

        /** Endpoints of a PostgreSQL source. */
        Postgres postgres();

        /** Configured tables of this source by name; intents naming any other table are rejected. */
        Map<String, Table> tables();
    }

    enum Kind {
        POSTGRESQL, DYNAMODB
    }

    interface Postgres {
        /**
         * The writer (primary) endpoint, {@code postgresql://host:port/database}. Absent: the consumer's own datasource
         * ({@code quarkus.datasource.reactive.url}), for a read model that lives next to its source.
         */
        @WithName("writer-url")
        Optional<String> writerUrl();

        /** A reader (replica) endpoint tried first for hydration; absent: every read goes to the writer. */
        @WithName("reader-url")
        Optional<String> readerUrl();

        /** User for both endpoints, if not in the URLs (else the database secret's, when one is configured). */
        Optional<String> username();

        /**
         * Password for both endpoints, if not in the URLs; pass it through the environment, never in a file. Absent,
         * with {@code wail.database.secret-arn} set: user and password come from that secret.
         */
        Optional<String> password();

        /**
         * Connections per endpoint and function instance. Source reads always have pools of their own, also when the
         * source is the consumer's own database (no {@code writer-url}): they never wait for a connection the sink's
         * transactions hold, nor the other way round.
         */
        @WithName("max-connections")
        @WithDefault("4")
        int maxConnections();
    }

    interface Table {
        /** Primary key columns, in key order. */
        @WithName("key-columns")
        List<String> keyColumns();

        /** Columns read from the source and written to the sink; must include the key columns. */
        List<String> columns();

        /**
         * A column that versions a row, if the table has one: the sink then also refuses to replace a row by one with
         * a lower value. It must grow with every write of the row in commit order, under concurrency: a counter or
         * sequence value set by the writing statement itself ({@code version = version + 1}), which the row lock
         * serializes. Never a time such as {@code updated_at = now()}: {@code now()} is the transaction's start time,
         * so a transaction that started first and committed last carries the lower value, the sink keeps the older
         * state for good, and the consumer reports it ({@code VersionColumnRefused}). Without a version column the
         * source position alone guards the rows, which is enough.
         */
        @WithName("version-column")
        Optional<String> versionColumn();

        /** The read-model table ({@code schema.table} or {@code table}) the PostgreSQL sink writes to. */
        @WithName("sink-table")
        String sinkTable();
    }

    interface Consumer {
        /**
         * Run {@code wail/consumer-schema.sql} at start-up, for tests and laptops only: a database round trip at every
         * start (before a SnapStart snapshot too). Off, the deploy-time schema step installs it (handler
         * {@code install-schema}) and the consumer checks for it at its first batch.
         */
        @WithName("install-schema")
        @WithDefault("false")
        boolean installSchema();

        /**
         * The SQS queue's redrive {@code maxReceiveCount} (Terraform sets both from one variable). A message that
         * fails for a transient reason is recorded as a dead letter, with the reason, on its last receive, when SQS
         * is about to move it to the dead-letter queue; earlier failures are only logged.
         */
        @WithName("max-receive-count")
        @WithDefault("10")
        int maxReceiveCount();

        /**
         * The most entities one sink call refreshes ({@code WAIL_CONSUMER_MAX_ENTITIES_PER_REFRESH}): one source read
         * and one sink transaction each; a batch with more entities of one table is refreshed in several calls, one
         * after another. It bounds what a call holds in memory (keys, read states, statement parameters) and how long
         * it holds its per-entity guards, whatever the batch size and the packing. Measured: see docs/consumer.md,
         * "Batch cost and memory".
         */
        @WithName("max-entities-per-refresh")
        @WithDefault("2000")
        int maxEntitiesPerRefresh();

        // Poison messages (issue 17): the dead-letter queue the SQS handler sends rejected messages to.

        /**
         * The SQS queue's dead-letter queue ({@code WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL}; the Terraform module sets it
         * to the redrive policy's target). When set, a message the consumer rejects (it can never succeed) is sent
         * there at once with its reason as message attributes and acknowledged; a message whose send fails is
         * reported failed. Absent: rejected messages are reported failed and reach the dead-letter queue through
         * SQS's redrive, after {@code max-receive-count} receives.
         */
        @WithName("dead-letter-queue-url")
        Optional<String> deadLetterQueueUrl();
        /**
         * PostgreSQL {@code statement_timeout} of every connection the consumer opens (sources and sink): a longer
         * source read, lock wait or write is cancelled, its transaction rolls back (releasing the sink's locks) and
         * the batch is retried. Seconds or milliseconds ({@code 10s}, {@code 500ms}); keep it below the function's
         * timeout.
         */
        @WithName("statement-timeout")
        @WithDefault("10s")
        String statementTimeout();

        /** PostgreSQL {@code lock_timeout} of every connection the consumer opens. */
        @WithName("lock-timeout")
        @WithDefault("5s")
        String lockTimeout();

        /**
         * PostgreSQL {@code idle_in_transaction_session_timeout} of every connection the consumer opens: the server
         * ends a transaction whose client stopped talking (a frozen or killed environment), releasing its locks.
         */
        @WithName("idle-in-transaction-timeout")
        @WithDefault("15s")
        String idleInTransactionTimeout();

        /**
         * PostgreSQL {@code tcp_keepalives_idle} of every connection the consumer opens: after this much silence the
         * server probes the client (every 10 s, 3 times) and drops a connection whose client is gone.
         */
        @WithName("tcp-keepalive-idle")
        @WithDefault("30s")
        String tcpKeepaliveIdle();
    }
}
