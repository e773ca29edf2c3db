-- The read model (database "read_model") the consumer keeps: the columns the consumer is configured to copy.
CREATE SCHEMA IF NOT EXISTS read_model;
CREATE TABLE IF NOT EXISTS read_model.orders (
    id          bigint PRIMARY KEY,
    customer    text        NOT NULL,
    status      text        NOT NULL,
    total_cents bigint      NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- The local run's observation post, not part of wail: every row the sink writes, with the source's write time it
-- carries and the time it landed, both from this one server's clock. Freshness lag = landed_at - updated_at.
CREATE SCHEMA IF NOT EXISTS local_run;
CREATE TABLE IF NOT EXISTS local_run.sink_writes (
    seq        bigserial PRIMARY KEY,
    id         bigint      NOT NULL,
    operation  text        NOT NULL,
    updated_at timestamptz,
    landed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE OR REPLACE FUNCTION local_run.record_sink_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO local_run.sink_writes (id, operation) VALUES (OLD.id, TG_OP);
    ELSE
        INSERT INTO local_run.sink_writes (id, operation, updated_at) VALUES (NEW.id, TG_OP, NEW.updated_at);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS record_sink_write ON read_model.orders;
CREATE TRIGGER record_sink_write AFTER INSERT OR UPDATE OR DELETE ON read_model.orders
    FOR EACH ROW EXECUTE FUNCTION local_run.record_sink_write();
