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
    Map<String, Source> sources();

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

    interface Source {
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

        /** Connections per endpoint and function instance. */
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
         * A column whose value grows with every write of a row, if the table has one: the sink then also refuses to
         * replace a row by one with a lower value.
         */
        @WithName("version-column")
        Optional<String> versionColumn();

        /** The read-model table ({@code schema.table} or {@code table}) the PostgreSQL sink writes to. */
        @WithName("sink-table")
        String sinkTable();
    }

    interface Consumer {
        /** Create the consumer's bookkeeping tables ({@code wail/consumer-schema.sql}) at start-up if missing. */
        @WithName("install-schema")
        @WithDefault("true")
        boolean installSchema();

        /**
         * The SQS queue's redrive {@code maxReceiveCount} (Terraform sets both from one variable). A message that
         * fails for a transient reason is recorded as a dead letter, with the reason, on its last receive, when SQS
         * is about to move it to the dead-letter queue; earlier failures are only logged.
         */
        @WithName("max-receive-count")
        @WithDefault("10")
        int maxReceiveCount();

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
    }
}
