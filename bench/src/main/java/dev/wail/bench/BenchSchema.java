package dev.wail.bench;

/**
 * The source table, its read-model copy, and the sink-side log that timestamps every read-model write. The read
 * model has exactly the source's columns, so convergence is a plain {@code EXCEPT} both ways.
 */
final class BenchSchema {

    static final String SOURCE_TABLE = "bench.orders";
    static final String SINK_TABLE = "read_model.orders";
    static final java.util.List<String> COLUMNS =
            java.util.List.of("id", "customer", "status", "amount_cents", "note", "written_at");

    private BenchSchema() {
    }

    /**
     * Drops and recreates everything, loads {@code initialRows} orders into both tables. {@code written_at} is
     * stamped with {@code clock_timestamp()} by every source write; the sink trigger records, per written row, that
     * stamp and its own {@code clock_timestamp()}: freshness measured on one server clock.
     */
    static String reset(int initialRows, int rowWidth) {
        return """
                DROP SCHEMA IF EXISTS bench CASCADE;
                DROP SCHEMA IF EXISTS read_model CASCADE;
                CREATE SCHEMA bench;
                CREATE SCHEMA read_model;
                CREATE TABLE bench.orders (id bigint PRIMARY KEY, customer text NOT NULL, status text NOT NULL,
                                           amount_cents bigint NOT NULL, note text NOT NULL,
                                           written_at timestamptz NOT NULL DEFAULT clock_timestamp());
                INSERT INTO bench.orders (id, customer, status, amount_cents, note)
                SELECT g, 'customer ' || (g %% 997), 'new', g * 7, repeat('x', %2$d) FROM generate_series(1, %1$d) g;
                CREATE TABLE read_model.orders (LIKE bench.orders INCLUDING ALL);
                INSERT INTO read_model.orders SELECT * FROM bench.orders;
                CREATE TABLE bench.sink_log (n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, op text NOT NULL,
                                             written_at timestamptz, sunk_at timestamptz NOT NULL);
                CREATE FUNCTION bench.log_sink_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO bench.sink_log (op, written_at, sunk_at) VALUES (TG_OP,
                        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.written_at END, clock_timestamp());
                    RETURN NULL;
                END $$;
                CREATE TRIGGER log_sink_write AFTER INSERT OR UPDATE OR DELETE ON read_model.orders
                    FOR EACH ROW EXECUTE FUNCTION bench.log_sink_write();
                DELETE FROM wail.sink_positions WHERE sink_table = 'read_model.orders';
                """.formatted(initialRows, rowWidth);
    }

    /** Rows that differ between source and read model, both ways; 0 means converged. */
    static final String DIFFERENCES = """
            SELECT (SELECT count(*) FROM (TABLE bench.orders EXCEPT TABLE read_model.orders) a)
                 + (SELECT count(*) FROM (TABLE read_model.orders EXCEPT TABLE bench.orders) b)""";
}
