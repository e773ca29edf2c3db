-- The hooks.sql of the release before DDL following, typed keys and least privilege (commit 880afc1), kept to test
-- upgrading an installation in place (HookUpgradeTest).
--
-- wail change hooks for PostgreSQL and Aurora PostgreSQL.
--
-- Run this script once per database (it is idempotent, and re-running it reinstalls the hooks of every captured table
-- with the current code), then, for each table to capture:
--     SELECT wail.capture('public.orders', source => 'shop');                                   -- delivery 'outbox'
--     SELECT wail.capture('public.orders', source => 'shop', delivery => 'aws_lambda',
--                         function_name => 'wail-producer-hook', region => 'eu-west-1');        -- Aurora / RDS
-- and to stop capturing it:
--     SELECT wail.uncapture('public.orders');
--
-- A captured table gets three statement-level AFTER triggers (INSERT, UPDATE, DELETE) with transition tables: one
-- statement that touches 10,000 rows runs the hook once and reports all their keys in a few payloads (chunked), never
-- 10,000 times. A fourth, BEFORE TRUNCATE, reports every key the TRUNCATE is about to remove as deleted (a TRUNCATE has
-- no transition table, and after it the keys are gone). The payload carries keys only, never row data:
--     {"wail":1,"s":"shop","t":"orders","o":"u","x":752345,"l":439041101,"c":1764034800123,"kc":["id"],"k":[[42],[43]]}
--   s  source name          t  table (schema omitted for public)   o  i / u / d
--   x  transaction id (xid8)  l  WAL insert position (a number)    c  capture time, ms since the epoch
--   kc key columns, in key order          k  one array of key values per row
-- A payload holds at most chunk_keys keys (5,000) and about chunk_bytes bytes of keys (200,000), so that it stays under
-- 256 KiB, the smallest asynchronous Lambda invoke limit Lambda has had (1 MB today); aws_lambda delivery refuses a
-- larger payload with an error rather than sending an invoke that would be refused.
--
-- Delivery 'outbox': the payload is inserted into wail.outbox in the writing transaction, so it exists exactly when
-- the change commits; the producer's outbox drain moves it to the intent log.
-- Delivery 'aws_lambda': the trigger calls aws_lambda.invoke(..., 'Event') once per payload, as Aurora and RDS for
-- PostgreSQL provide it (CREATE EXTENSION aws_lambda CASCADE). The invoke leaves at once, outside the transaction: a
-- rolled-back change may still be reported, and the report may arrive before the change commits. Both are meant to be
-- harmless: the consumer reads the current row, after pg_xact_status(x) says the transaction ended (write-ahead
-- verification; see the README). On plain PostgreSQL, run wail/aws_lambda_emulation.sql
-- first to get the same functions.

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
-- Columns added after the first release; ADD COLUMN IF NOT EXISTS keeps older installations upgradable in place.
ALTER TABLE wail.captured_tables ADD COLUMN IF NOT EXISTS chunk_bytes integer NOT NULL DEFAULT 200000;
ALTER TABLE wail.captured_tables ADD COLUMN IF NOT EXISTS function_name text;
ALTER TABLE wail.captured_tables ADD COLUMN IF NOT EXISTS region text;

-- Earlier functions: dropped so that named-argument calls are never ambiguous; the reinstall at the end of this
-- script regenerates every trigger function that called them.
DROP FUNCTION IF EXISTS wail.emit(text, text, text, text[], json, text);
DROP FUNCTION IF EXISTS wail.capture(regclass, text, text, integer);

-- The largest payload aws_lambda delivery sends: 256 KiB, Lambda's asynchronous invoke limit until it was raised to
-- 1 MB. Staying under the older figure keeps every Aurora version and every Lambda quota on the safe side.
CREATE OR REPLACE FUNCTION wail.max_invoke_payload_bytes() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 262144';

-- Sends one payload with aws_lambda.invoke, refusing one over the asynchronous invoke limit with an error that says
-- what to change, rather than an invoke that Lambda would refuse.
CREATE OR REPLACE FUNCTION wail.invoke(function_name text, region text, payload json)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF octet_length(payload::text) > wail.max_invoke_payload_bytes() THEN
        RAISE EXCEPTION 'wail: a % payload of % bytes exceeds the % byte asynchronous invoke limit',
            payload->>'t', octet_length(payload::text), wail.max_invoke_payload_bytes()
            USING HINT = 'capture the table again with a smaller chunk_bytes';
    END IF;
    -- Exactly the call Aurora documents; 'Event' makes it asynchronous (HTTP 202, no response payload).
    PERFORM aws_lambda.invoke(aws_commons.create_lambda_function_arn(function_name, region), payload, 'Event');
END;
$$;

-- The query that builds the payloads for the keys of changed_rows (a FROM item), one row per payload. Keys are cut
-- into payloads in one pass: each key costs max(its bytes * chunk_keys, chunk_bytes) and a payload holds
-- chunk_keys * chunk_bytes, so a payload never has more than chunk_keys keys and its keys pass chunk_bytes by at most
-- the last one. A key goes to the payload its starting offset falls in; offsets only grow, so every payload is a
-- contiguous run of keys.
CREATE OR REPLACE FUNCTION wail.payload_query(source text, table_label text, op text, key_columns text[],
                                              changed_rows text, chunk_keys integer, chunk_bytes integer)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT format('SELECT json_build_object(''wail'', 1, ''s'', %1$L, ''t'', %2$L, ''o'', %3$L, '
                  '''x'', pg_current_xact_id()::text::numeric, ''l'', pg_current_wal_insert_lsn() - ''0/0''::pg_lsn, '
                  '''c'', floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint, ''kc'', %4$L::text[], '
                  '''k'', json_agg(k)) AS payload FROM ('
                  'SELECT k, ((sum(cost) OVER (ROWS UNBOUNDED PRECEDING))::bigint - cost) / %8$s AS part FROM ('
                  'SELECT k, greatest((octet_length(k::text) + 1)::bigint * %6$s, %7$s) AS cost '
                  'FROM (SELECT json_build_array(%5$s) AS k FROM %9$s) keys) costed) placed '
                  'GROUP BY part',
                  source, table_label, op, key_columns,
                  (SELECT string_agg(format('%I', c), ', ') FROM unnest(key_columns) AS c),
                  chunk_keys, chunk_bytes, chunk_keys::bigint * chunk_bytes, changed_rows)
$$;

-- The one statement a generated trigger runs per operation: build the payloads and deliver each of them. One statement
-- rather than a loop of calls, because its fixed cost is what a one-row write pays.
CREATE OR REPLACE FUNCTION wail.delivery_statement(delivery text, function_name text, region text, payloads text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE delivery
        WHEN 'outbox' THEN format('INSERT INTO wail.outbox (payload) SELECT payload::text FROM (%s) payloads', payloads)
        WHEN 'aws_lambda' THEN format('PERFORM wail.invoke(%L, %L, payload) FROM (%s) payloads', function_name,
                                      region, payloads)
    END
$$;

-- True when aws_lambda.invoke and aws_commons.create_lambda_function_arn can be called: the real extension (Aurora,
-- RDS) or wail/aws_lambda_emulation.sql (plain PostgreSQL).
CREATE OR REPLACE FUNCTION wail.aws_lambda_available() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT to_regtype('aws_commons._lambda_function_arn_1') IS NOT NULL
       AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'aws_lambda' AND p.proname = 'invoke')
$$;

-- Installs (or reinstalls) the hooks on one table. The trigger function is generated per table so that its queries
-- are planned once per session; every identifier in it is quoted with format('%I'), every value with format('%L').
CREATE OR REPLACE FUNCTION wail.capture(target regclass, source text, delivery text DEFAULT 'outbox',
                                        chunk_keys integer DEFAULT 5000, chunk_bytes integer DEFAULT 200000,
                                        function_name text DEFAULT NULL, region text DEFAULT NULL)
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
    IF delivery NOT IN ('outbox', 'aws_lambda') THEN
        RAISE EXCEPTION 'wail.capture: delivery must be ''outbox'' or ''aws_lambda'', got %', quote_literal(delivery);
    END IF;
    IF delivery = 'aws_lambda' AND coalesce(function_name, '') = '' THEN
        RAISE EXCEPTION 'wail.capture: delivery ''aws_lambda'' needs function_name '
                        '(the producer''s aurora-hook function: name, ARN or partial ARN)';
    END IF;
    IF delivery = 'aws_lambda' AND NOT wail.aws_lambda_available() THEN
        RAISE EXCEPTION 'wail.capture: delivery ''aws_lambda'' needs aws_lambda.invoke, '
                        'which this database does not have'
            USING HINT = 'On Aurora or RDS for PostgreSQL: CREATE EXTENSION IF NOT EXISTS aws_lambda CASCADE; '
                         'on plain PostgreSQL: run wail/aws_lambda_emulation.sql';
    END IF;
    IF delivery = 'outbox' AND (function_name IS NOT NULL OR region IS NOT NULL) THEN
        RAISE EXCEPTION 'wail.capture: function_name and region apply to delivery ''aws_lambda'' only';
    END IF;
    IF chunk_keys < 1 THEN
        RAISE EXCEPTION 'wail.capture: chunk_keys must be at least 1, got %', chunk_keys;
    END IF;
    IF chunk_bytes < 1 OR chunk_bytes > wail.max_invoke_payload_bytes() THEN
        RAISE EXCEPTION 'wail.capture: chunk_bytes must be between 1 and %, got %', wail.max_invoke_payload_bytes(),
            chunk_bytes;
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
BEGIN
    IF TG_OP = 'INSERT' THEN
        %2$s;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Keys from both sides: an update that changes a primary key removes the old key and creates the new one.
        %3$s;
    ELSIF TG_OP = 'DELETE' THEN
        %4$s;
    ELSE
        -- TRUNCATE: this trigger runs BEFORE it, under its exclusive lock, while every row is still there. The keys
        -- are read with those of partitions and inheritance children: one reported twice or not removed (TRUNCATE
        -- ONLY) is a harmless extra intent, one not reported would be a missed delete.
        %5$s;
    END IF;
    RETURN NULL;
END;
$t$;
$f$, fn,
        wail.delivery_statement(delivery, function_name, region, wail.payload_query(
            source, label, 'i', key_columns, 'wail_new', chunk_keys, chunk_bytes)),
        wail.delivery_statement(delivery, function_name, region, wail.payload_query(
            source, label, 'u', key_columns,
            format('(SELECT %1$s FROM wail_new UNION SELECT %1$s FROM wail_old) changed', key_list),
            chunk_keys, chunk_bytes)),
        wail.delivery_statement(delivery, function_name, region, wail.payload_query(
            source, label, 'd', key_columns, 'wail_old', chunk_keys, chunk_bytes)),
        wail.delivery_statement(delivery, function_name, region, wail.payload_query(
            source, label, 'd', key_columns, target::text, chunk_keys, chunk_bytes)));
    EXECUTE body;

    PERFORM wail.drop_triggers(target);
    EXECUTE format('CREATE TRIGGER wail_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS wail_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE format('CREATE TRIGGER wail_capture_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS wail_old '
                   'NEW TABLE AS wail_new FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE format('CREATE TRIGGER wail_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS wail_old '
                   'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE format('CREATE TRIGGER wail_capture_truncate BEFORE TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);

    INSERT INTO wail.captured_tables (target, source, table_label, key_columns, delivery, chunk_keys, chunk_bytes,
                                      function_name, region)
    VALUES (target, source, label, key_columns, delivery, chunk_keys, chunk_bytes, function_name, region)
    ON CONFLICT ON CONSTRAINT captured_tables_pkey DO UPDATE
       SET source = EXCLUDED.source, table_label = EXCLUDED.table_label, key_columns = EXCLUDED.key_columns,
           delivery = EXCLUDED.delivery, chunk_keys = EXCLUDED.chunk_keys, chunk_bytes = EXCLUDED.chunk_bytes,
           function_name = EXCLUDED.function_name, region = EXCLUDED.region, installed_at = clock_timestamp();
    RETURN format('wail captures %s as %s/%s, key (%s), delivery %s%s', target, source, label, key_list, delivery,
                  CASE WHEN delivery = 'aws_lambda'
                       THEN format(' to %s%s', function_name, coalesce(' in ' || region, '')) ELSE '' END);
END;
$$;

CREATE OR REPLACE FUNCTION wail.drop_triggers(target regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_insert ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_update ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_delete ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS wail_capture_truncate ON %s', target);
END;
$$;

-- Removes the hooks from one table. Payloads already in the outbox are still drained; invocations already sent are
-- still handled.
CREATE OR REPLACE FUNCTION wail.uncapture(target regclass)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    rel_schema text;
    rel_name   text;
BEGIN
    SELECT n.nspname, c.relname INTO rel_schema, rel_name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target;
    PERFORM wail.drop_triggers(target);
    EXECUTE format('DROP FUNCTION IF EXISTS wail.%I()', 'capture_' || rel_schema || '_' || rel_name);
    DELETE FROM wail.captured_tables WHERE captured_tables.target = uncapture.target;
    RETURN format('wail no longer captures %s', target);
END;
$$;

-- Reinstall: forget tables that were dropped, then regenerate the hooks of the others with the code above, keeping
-- each table's settings.
DELETE FROM wail.captured_tables t WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.target);
SELECT wail.capture(target, source, delivery, chunk_keys, chunk_bytes, function_name, region)
  FROM wail.captured_tables ORDER BY target::text;
