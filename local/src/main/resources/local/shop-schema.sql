-- The example shop's own table (database "shop"), as its service owns it: wail adds hooks, nothing else.
CREATE TABLE IF NOT EXISTS orders (
    id          bigserial PRIMARY KEY,
    customer    text        NOT NULL,
    status      text        NOT NULL,
    total_cents bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- updated_at is the row version the read model never lets go down. It is stamped after the row lock is taken (a
-- BEFORE ROW trigger fires on the locked row), so two updates of one row always stamp it in commit order; a time
-- taken in the client before the lock would not be.
CREATE OR REPLACE FUNCTION stamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS orders_updated_at ON orders;
CREATE TRIGGER orders_updated_at BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION stamp_updated_at();
