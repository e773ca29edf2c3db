-- wail change hooks for PostgreSQL and Aurora PostgreSQL.
--
-- Run this script once per database (it is idempotent), then, for each table to capture:
--     SELECT wail.capture('public.orders', source => 'shop');
-- and to stop capturing it:
--     SELECT wail.uncapture('public.orders');
--
-- A captured table gets three statement-level AFTER triggers (INSERT, UPDATE, DELETE) with transition tables: one
-- statement that touches 10,000 rows runs the hook once and reports all their keys in one payload (chunked), never
-- 10,000 times. The payload carries keys only, never row data:
--     {"wail":1,"s":"shop","t":"orders","o":"u","x":752345,"l":439041101,"c":1764034800123,"kc":["id"],"k":[[42],[43]]}
--   s  source name          t  table (schema omitted for public)   o  i / u / d
--   x  transaction id (xid8)  l  WAL insert position (a number)    c  capture time, ms since the epoch
--   kc key columns, in key order          k  one array of key values per row
--
-- Delivery 'outbox': the payload is inserted into wail.outbox in the writing transaction, so it exists exactly when
-- the change commits; the producer's outbox drain moves it to the intent log.

CREATE SCHEMA IF NOT EXISTS wail;

CREATE TABLE IF NOT EXISTS wail.outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE wail.outbox IS 'Hook payloads waiting for the producer''s outbox drain; a row is deleted once the intent log accepted all of its intents.';

CREATE TABLE IF NOT EXISTS wail.outbox_rejected (
    id          bigint      PRIMARY KEY,
    payload     text        NOT NULL,
    reason      text        NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE wail.outbox_rejected IS 'Outbox rows the drain could not turn into intents, with the reason; kept for a person to inspect.';

CREATE TABLE IF NOT EXISTS wail.captured_tables (
    target       regclass PRIMARY KEY,
    source       text     NOT NULL,
    table_label  text     NOT NULL,
    key_columns  text[]   NOT NULL,
    delivery     text     NOT NULL,
    chunk_keys   integer  NOT NULL,
    installed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Builds one hook payload and delivers it. Called by the generated trigger functions, once per chunk of keys.
CREATE OR REPLACE FUNCTION wail.emit(source text, table_label text, op text, key_columns text[], keys json, delivery text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    payload text;
BEGIN
    payload := json_build_object(
        'wail', 1,
        's', source,
        't', table_label,
        'o', op,
        'x', pg_current_xact_id()::text::numeric,
        'l', pg_current_wal_insert_lsn() - '0/0'::pg_lsn,
        'c', floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint,
        'kc', key_columns,
        'k', keys)::text;
    IF delivery = 'outbox' THEN
        INSERT INTO wail.outbox (payload) VALUES (payload);
    ELSE
        RAISE EXCEPTION 'wail: unknown delivery mode %', delivery;
    END IF;
END;
$$;

-- Installs (or reinstalls) the hooks on one table. The trigger function is generated per table so that its queries
-- are planned once per session; every identifier in it is quoted with format('%I').
CREATE OR REPLACE FUNCTION wail.capture(target regclass, source text, delivery text DEFAULT 'outbox',
                                        chunk_keys integer DEFAULT 5000)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    rel_schema  text;
    rel_name    text;
    label       text;
    key_columns text[];
    key_list    text;
    fn          text;
    body        text;
BEGIN
    IF delivery NOT IN ('outbox') THEN
        RAISE EXCEPTION 'wail.capture: delivery must be ''outbox'', got %', quote_literal(delivery);
    END IF;
    IF chunk_keys < 1 THEN
        RAISE EXCEPTION 'wail.capture: chunk_keys must be at least 1, got %', chunk_keys;
    END IF;
    SELECT n.nspname, c.relname INTO rel_schema, rel_name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target;
    SELECT array_agg(a.attname::text ORDER BY k.ord) INTO key_columns
      FROM pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = target AND i.indisprimary;
    IF key_columns IS NULL THEN
        RAISE EXCEPTION 'wail.capture: table % has no primary key; wail identifies rows by their primary key', target;
    END IF;
    label := CASE WHEN rel_schema = 'public' THEN rel_name ELSE rel_schema || '.' || rel_name END;
    key_list := (SELECT string_agg(format('%I', c), ', ') FROM unnest(key_columns) AS c);
    fn := format('wail.%I', 'capture_' || rel_schema || '_' || rel_name);

    body := format($f$
CREATE OR REPLACE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $t$
DECLARE
    chunk json;
BEGIN
    IF TG_OP = 'INSERT' THEN
        FOR chunk IN SELECT json_agg(json_build_array(%2$s)) FROM
                (SELECT %2$s, (row_number() OVER () - 1) / %3$s AS part FROM wail_new) s GROUP BY part LOOP
            PERFORM wail.emit(%4$L, %5$L, 'i', %6$L, chunk, %7$L);
        END LOOP;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Keys from both sides: an update that changes a primary key removes the old key and creates the new one.
        FOR chunk IN SELECT json_agg(json_build_array(%2$s)) FROM
                (SELECT %2$s, (row_number() OVER () - 1) / %3$s AS part
                   FROM (SELECT %2$s FROM wail_new UNION SELECT %2$s FROM wail_old) changed) s GROUP BY part LOOP
            PERFORM wail.emit(%4$L, %5$L, 'u', %6$L, chunk, %7$L);
        END LOOP;
    ELSE
        FOR chunk IN SELECT json_agg(json_build_array(%2$s)) FROM
                (SELECT %2$s, (row_number() OVER () - 1) / %3$s AS part FROM wail_old) s GROUP BY part LOOP
            PERFORM wail.emit(%4$L, %5$L, 'd', %6$L, chunk, %7$L);
        END LOOP;
    END IF;
    RETURN NULL;
END;
$t$;
$f$, fn, key_list, chunk_keys, source, label, key_columns, delivery);
    EXECUTE body;

    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_insert ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_update ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_delete ON %s', target);
    EXECUTE format('CREATE TRIGGER wail_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS wail_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE format('CREATE TRIGGER wail_capture_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS wail_old '
                   'NEW TABLE AS wail_new FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE format('CREATE TRIGGER wail_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS wail_old '
                   'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);

    INSERT INTO wail.captured_tables (target, source, table_label, key_columns, delivery, chunk_keys)
    VALUES (target, source, label, key_columns, delivery, chunk_keys)
    ON CONFLICT ON CONSTRAINT captured_tables_pkey DO UPDATE
       SET source = EXCLUDED.source, table_label = EXCLUDED.table_label, key_columns = EXCLUDED.key_columns,
           delivery = EXCLUDED.delivery, chunk_keys = EXCLUDED.chunk_keys, installed_at = clock_timestamp();
    RETURN format('wail captures %s as %s/%s, key (%s), delivery %s', target, source, label, key_list, delivery);
END;
$$;

-- Removes the hooks from one table. Payloads already in the outbox are still drained.
CREATE OR REPLACE FUNCTION wail.uncapture(target regclass)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    rel_schema text;
    rel_name   text;
BEGIN
    SELECT n.nspname, c.relname INTO rel_schema, rel_name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target;
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_insert ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_update ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_delete ON %s', target);
    EXECUTE format('DROP FUNCTION IF EXISTS wail.%I()', 'capture_' || rel_schema || '_' || rel_name);
    DELETE FROM wail.captured_tables WHERE captured_tables.target = uncapture.target;
    RETURN format('wail no longer captures %s', target);
END;
$$;
