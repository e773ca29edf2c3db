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
--     {"wail":1,"s":"shop","t":"orders","cv":2,"o":"u","x":752345,"l":439041101,"c":1764034800123,"kc":["id"],
--      "k":[[42],[43]]}
--   s  source name          t  table (schema omitted for public)   cv capture version   o  i / u / d
--   x  transaction id (xid8)  l  WAL insert position (a number)    c  capture time, ms since the epoch
--   kc key columns, in key order          k  one array of key values per row
-- A payload holds at most chunk_keys keys (5,000) and about chunk_bytes bytes of keys (200,000), so that it stays under
-- 256 KiB, the smallest asynchronous Lambda invoke limit Lambda has had (1 MB today). For aws_lambda delivery,
-- wail.capture refuses a chunk_bytes above wail.max_chunk_bytes (the limit less the table's largest payload header and
-- its largest key), so that no payload can exceed it; left out, chunk_bytes is 200,000 or that bound when lower, and
-- DDL that lowers the bound lowers the table's chunk_bytes with it. wail.invoke still refuses a larger payload.
--
-- Delivery 'outbox': one small typed row per payload (its format, operation, xid, LSN, capture time and keys, not the
-- payload's text) is inserted into wail.outbox in the writing transaction, so it exists exactly when the change
-- commits; the producer's outbox drain reads it as a payload (wail.outbox_payload) and moves it to the intent log.
-- Upgrading from a version whose outbox rows held the payload's text: deploy the producer of this version first (its
-- drain reads both kinds of row, but fails until this script has run: nothing is lost), then run this script. An older
-- drain would move the new rows to wail.outbox_rejected.
-- Delivery 'aws_lambda': the trigger calls aws_lambda.invoke(..., 'Event') once per payload, as Aurora and RDS for
-- PostgreSQL provide it (CREATE EXTENSION aws_lambda CASCADE). The invoke leaves at once, outside the transaction: a
-- rolled-back change may still be reported, and the report may arrive before the change commits. Both are meant to be
-- harmless: the consumer reads the current row, after pg_xact_status(x) says the transaction ended (write-ahead
-- verification; see docs/concepts.md). On plain PostgreSQL, run wail/aws_lambda_emulation.sql
-- first to get the same functions.
--
-- Run by a superuser (rds_superuser on RDS / Aurora): it creates event triggers and the role wail_hooks, and the event
-- triggers reinstall hooks on tables of any owner. On RDS / Aurora that role must also be able to create triggers on
-- every captured table (own it, or be a member of its owner role), as wail.capture always needed.
--
-- Privileges. The generated trigger functions are SECURITY DEFINER, owned by wail_hooks: a NOLOGIN role that may
-- insert into wail.outbox, call wail.invoke (and through it aws_lambda.invoke), and read the captured tables (for the
-- keys a TRUNCATE removes; a policy wail_hooks_read on each lets it read past row-level security); nothing else.
-- Application roles need only their own table privileges: they get no right on the schema wail, on wail.outbox or on
-- aws_lambda (all revoked from PUBLIC), and a bug in a hook runs with wail_hooks' rights, not a superuser's. Every wail function runs with search_path = pg_catalog, pg_temp and names
-- every other object with its schema. The outbox drain's role needs: GRANT USAGE ON SCHEMA wail, SELECT, DELETE,
-- UPDATE (id) ON wail.outbox (UPDATE for its FOR UPDATE SKIP LOCKED), SELECT ON wail.payload_formats, EXECUTE ON FUNCTION wail.outbox_payload(wail.outbox), INSERT ON
-- wail.outbox_rejected (a re-run of this script grants the two new ones to every role that may read wail.outbox).
--
-- Keys. Each key column is written in one canonical JSON form per type, whatever the writing session's TimeZone,
-- DateStyle or bytea_output (the consumer matches keys by typed equality on these forms):
--   smallint, integer, bigint: a number     numeric: "1.5" (trim_scale; "NaN", "Infinity")     text, varchar: as is
--   char(n): trailing spaces removed    uuid: lower case    boolean: "true" / "false"    enum: its label
--   date: "2026-01-02" ("0044-03-15 BC", "12345-01-02", "infinity")   time: "03:04:05.25"
--   timestamp: "2026-01-02T03:04:05.25" (fraction only when not zero; " BC" appended before Christ)
--   timestamptz: the UTC instant "2026-01-02T03:04:05.25Z" ("0044-03-15T10:00:00Z BC", "infinity")
--   bytea: "\\x" and lower-case hex    inet, cidr: PostgreSQL's output ("10.0.0.1", "2001:db8::1", "10.0.0.0/8")
-- Domains use their base type. wail.capture refuses any other key type (float, timetz, interval, json, arrays, ranges,
-- composites, citext, ...): such a key has no single text form both sides can match.
--
-- DDL. Event triggers (wail_follow_ddl on ddl_command_end, wail_follow_drop on sql_drop) keep the hooks of every
-- captured table in step with its definition; wail.captured_tables is keyed by the table's oid, which survives
-- renames. Each change is recorded in wail.capture_events, and each change of definition bumps the table's
-- capture_version. Per case:
--   rename or add a key column, change a key column's type (to a type in the list above), replace the primary key in
--   one ALTER TABLE (DROP CONSTRAINT ..., ADD PRIMARY KEY ...), rename the table, ALTER TABLE ... SET SCHEMA, rename
--   its schema: the hooks are reinstalled with the new definition ('recaptured'); other columns do not matter.
--   DROP TABLE (or DROP SCHEMA ... CASCADE): the capture is removed ('dropped'). Its rows are not reported deleted.
--   Refused, with an error that says what to run instead (a refused DDL is rolled back, its error is its record):
--     * a DDL that leaves a captured table without a primary key (DROP CONSTRAINT of the key, DROP COLUMN of a key
--       column): every later write would go unreported. Replace the key in one ALTER TABLE, or wail.uncapture first.
--     * a key column type change to a type wail cannot encode: uncapture first.
--     * DROP TABLE of a partition of a captured table: its rows cannot be read any more when the drop is seen, so
--       their deletes could not be reported. DETACH PARTITION first (reported), then drop it.
--   'refused' is recorded when re-running this script cannot capture a table again under its current rules (a key
--   type captured by an older version and no longer accepted): its hooks are removed and the event says why.
-- Not followed: DDL while event triggers are disabled (session_replication_role = replica, single-user mode): run
-- SELECT wail.capture(...) again afterwards. (DETACH PARTITION ... CONCURRENTLY is followed when it completes; until
-- then writes to the partition are still reported.)
--
-- Partitioned tables. Capturing a partitioned table covers all its partitions at every level, present and future
-- (CREATE TABLE ... PARTITION OF, ATTACH PARTITION), reported under the captured table's label. PostgreSQL fires only
-- the statement triggers of the table a statement names, so each partition gets the same triggers and every change
-- is reported once, whichever table the statement names; an UPDATE that moves a row to another partition reports the
-- old and the new key. ATTACH PARTITION reports the attached rows as inserted; DETACH PARTITION reports the detached
-- rows as deleted and removes the hooks from the detached tables. TRUNCATE is reported by each truncated leaf.

CREATE SCHEMA IF NOT EXISTS wail;
REVOKE ALL ON SCHEMA wail FROM PUBLIC;

-- Dropped while the script runs, created again at its end: an older event trigger must not follow the script's own DDL.
DROP EVENT TRIGGER IF EXISTS wail_follow_ddl;
DROP EVENT TRIGGER IF EXISTS wail_follow_drop;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'wail_hooks') THEN
        CREATE ROLE wail_hooks NOLOGIN;
    END IF;
    -- Needed to hand functions over to wail_hooks (ALTER FUNCTION ... OWNER) for a non-superuser installer.
    IF NOT pg_catalog.pg_has_role(current_user, 'wail_hooks', 'MEMBER') THEN
        EXECUTE pg_catalog.format('GRANT wail_hooks TO %I', current_user);
    END IF;
END;
$$;
COMMENT ON ROLE wail_hooks IS 'Owner of wail''s generated trigger functions: may write wail.outbox, call aws_lambda.invoke and read captured tables.';
GRANT USAGE ON SCHEMA wail TO wail_hooks;

CREATE TABLE IF NOT EXISTS wail.outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload    text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- The writer's row is small and typed (issue 18): what only the writing transaction knows, not the payload's text.
-- The drain builds the payload (wail.outbox_payload), outside the user's transaction. Rows written before an upgrade
-- keep their payload and have no other column; rows written after it have payload NULL. created_at is the capture
-- time, c in the payload.
ALTER TABLE wail.outbox ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE wail.outbox ADD COLUMN IF NOT EXISTS format integer;  -- wail.payload_formats (id): source, table, cv, kc
ALTER TABLE wail.outbox ADD COLUMN IF NOT EXISTS op "char";       -- i, u or d
ALTER TABLE wail.outbox ADD COLUMN IF NOT EXISTS xid xid8;        -- the writing transaction
ALTER TABLE wail.outbox ADD COLUMN IF NOT EXISTS lsn pg_lsn;      -- the WAL insert position when the hook ran
ALTER TABLE wail.outbox ADD COLUMN IF NOT EXISTS keys text;       -- the payload's k without its brackets: [1],[2]
COMMENT ON TABLE wail.outbox IS 'Captured keys waiting for the producer''s outbox drain (wail.outbox_payload makes a row''s payload); a row is deleted once the intent log accepted all of its intents.';

-- The fixed parts of the payloads of one capture definition (source, table label, capture version, key columns), as
-- JSON text: a payload is prefix || op || '","x":' ... || suffix || keys || ']}' (wail.outbox_payload). Written when
-- hooks are installed, never changed or deleted, so that an outbox row is read with the definition it was written
-- under, whatever DDL came after it.
CREATE TABLE IF NOT EXISTS wail.payload_formats (
    id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prefix text NOT NULL,
    suffix text NOT NULL,
    UNIQUE (prefix, suffix)
);
COMMENT ON TABLE wail.payload_formats IS 'The fixed parts of hook payloads, per capture definition, referenced by wail.outbox rows.';

-- payload stays NOT NULL: a drain older than the typed outbox rows reads their empty payload as unreadable and tries to
-- move them here; the constraint fails its transaction, so the rows wait in wail.outbox for a current drain.
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
-- The key columns' types (format_type), in key order; NULL until the table is captured again by this version.
ALTER TABLE wail.captured_tables ADD COLUMN IF NOT EXISTS key_types text[];
-- Bumped by every (re)capture that changes the definition (label, key columns or types, settings); sent in every
-- payload as cv (hooks generated before it was sent leave it out).
ALTER TABLE wail.captured_tables ADD COLUMN IF NOT EXISTS capture_version integer NOT NULL DEFAULT 1;

CREATE TABLE IF NOT EXISTS wail.captured_partitions (
    partition regclass PRIMARY KEY,
    root      regclass NOT NULL REFERENCES wail.captured_tables (target) ON DELETE CASCADE,
    parent    regclass NOT NULL
);
COMMENT ON TABLE wail.captured_partitions IS 'Partitions (every level) of captured partitioned tables, captured through their root.';

CREATE TABLE IF NOT EXISTS wail.capture_events (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    happened_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    table_oid       oid         NOT NULL,
    table_name      text        NOT NULL,
    event           text        NOT NULL
                    CHECK (event IN ('captured', 'recaptured', 'uncaptured', 'dropped', 'refused')),
    capture_version integer,
    old_definition  jsonb,
    new_definition  jsonb,
    reason          text        NOT NULL
);
COMMENT ON TABLE wail.capture_events IS 'Every change of a capture: by wail.capture / wail.uncapture, by DDL the event triggers followed, by a re-run of hooks.sql.';

-- Earlier functions: dropped so that named-argument calls are never ambiguous; the reinstall at the end of this
-- script regenerates every trigger function that called them.
DROP FUNCTION IF EXISTS wail.emit(text, text, text, text[], json, text);
DROP FUNCTION IF EXISTS wail.capture(regclass, text, text, integer);
DROP FUNCTION IF EXISTS wail.payload_query(text, text, text, text[], text, integer, integer);
DROP FUNCTION IF EXISTS wail.delivery_statement(text, text, text, text);
DROP FUNCTION IF EXISTS wail.payload_query(text, text, text, text[], text[], text, integer, integer);
DROP FUNCTION IF EXISTS wail.delivery_statement(text, text, text, text, boolean);
DROP FUNCTION IF EXISTS wail.hook_statements(wail.captured_tables, text, text[], text);

-- The largest payload aws_lambda delivery sends: 256 KiB, Lambda's asynchronous invoke limit until it was raised to
-- 1 MB. Staying under the older figure keeps every Aurora version and every Lambda quota on the safe side.
CREATE OR REPLACE FUNCTION wail.max_invoke_payload_bytes() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 262144';

-- Sends one payload with aws_lambda.invoke, refusing one over the asynchronous invoke limit with an error that says
-- what to change, rather than an invoke that Lambda would refuse.
CREATE OR REPLACE FUNCTION wail.invoke(function_name text, region text, payload json)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF octet_length(payload::text) > wail.max_invoke_payload_bytes() THEN
        RAISE EXCEPTION 'wail: a % payload of % bytes exceeds the % byte asynchronous invoke limit',
            payload->>'t', octet_length(payload::text), wail.max_invoke_payload_bytes()
            USING HINT = 'wail.capture bounds chunk_bytes for keys of up to 2048 characters per column (the most an '
                         'intent holds): a longer key value makes this; capture the table again with a smaller '
                         'chunk_bytes, or use delivery ''outbox''';
    END IF;
    -- Exactly the call Aurora documents; 'Event' makes it asynchronous (HTTP 202, no response payload).
    PERFORM aws_lambda.invoke(aws_commons.create_lambda_function_arn(function_name, region), payload, 'Event');
END;
$$;

-- The JSON expression (an argument of json_build_array) that writes key column col, of type typ, in its canonical
-- form; NULL for a type wail does not accept as a key. Domains use their base type. A backslash is written chr(92)
-- (folded to a constant when planned), so that no setting of the writing session can change what a literal means.
CREATE OR REPLACE FUNCTION wail.key_expression(col text, typ oid)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE chain(oid, typbasetype, typtype) AS (
        SELECT t.oid, t.typbasetype, t.typtype FROM pg_catalog.pg_type t WHERE t.oid = typ
        UNION ALL
        SELECT t.oid, t.typbasetype, t.typtype FROM pg_catalog.pg_type t JOIN chain ON t.oid = chain.typbasetype
    ), base AS (SELECT oid, typtype FROM chain WHERE typtype <> 'd')
    SELECT CASE
        WHEN base.oid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN pg_catalog.format('%I', col)
        WHEN base.oid = 'numeric'::regtype THEN pg_catalog.format('pg_catalog.trim_scale(%I)::pg_catalog.text', col)
        WHEN base.oid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'uuid'::regtype, 'bool'::regtype)
          OR base.typtype = 'e' THEN pg_catalog.format('%I::pg_catalog.text', col)
        WHEN base.oid IN ('date'::regtype, 'timestamp'::regtype, 'time'::regtype, 'inet'::regtype, 'cidr'::regtype)
            THEN pg_catalog.format('pg_catalog.to_json(%I)', col)
        WHEN base.oid = 'timestamptz'::regtype THEN pg_catalog.format(
            'CASE WHEN pg_catalog.isfinite(%1$I) THEN pg_catalog.regexp_replace(pg_catalog.to_json(%1$I AT TIME ZONE '
            '''UTC'') #>> ''{}'', ''( BC)?$'', ''Z'' || pg_catalog.chr(92) || ''1'') ELSE %1$I::pg_catalog.text END',
            col)
        WHEN base.oid = 'bytea'::regtype
            THEN pg_catalog.format('pg_catalog.chr(92) || ''x'' || pg_catalog.encode(%I, ''hex'')', col)
    END
    FROM base
$$;
-- The SQL expression (of type text) that writes key column col, of type typ, as JSON text: key_expression's value as
-- json_build_array would write it, without json_build_array, which looks up how to write each value's type on every
-- call (a hook writes many keys). key_expression writes an integer key as the bare column: its JSON is its text; to_json
-- writes every other form (a string, or already JSON).
CREATE OR REPLACE FUNCTION wail.key_json_expression(col text, typ oid)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN e = pg_catalog.format('%I', col) THEN e || '::pg_catalog.text'
                ELSE 'pg_catalog.to_json(' || e || ')::pg_catalog.text' END
      FROM (SELECT wail.key_expression(col, typ) AS e) x
$$;

-- The capture definition of a table: its label and key (columns, types, JSON expressions), or an error that names
-- what makes the table impossible to capture.
CREATE OR REPLACE FUNCTION wail.table_definition(target regclass, OUT label text, OUT key_columns text[],
                                                 OUT key_types text[], OUT key_expressions text[])
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col record;
BEGIN
    SELECT CASE WHEN n.nspname = 'public' THEN c.relname::text ELSE n.nspname || '.' || c.relname END INTO label
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target;
    FOR col IN
        SELECT a.attname::text AS name, a.atttypid, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
          FROM pg_catalog.pg_index i
         CROSS JOIN LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = target AND i.indisprimary
         ORDER BY k.ord
    LOOP
        IF wail.key_expression(col.name, col.atttypid) IS NULL THEN
            RAISE EXCEPTION 'wail: key column % of % has type %, which wail cannot use as a key', col.name, target,
                col.type
                USING HINT = 'a key value must have one canonical text form that the consumer matches by equality; '
                             'wail accepts smallint, integer, bigint, numeric, text, varchar, char(n), uuid, boolean, '
                             'date, time, timestamp, timestamptz, bytea, inet, cidr, enums and domains over them';
        END IF;
        key_columns := key_columns || col.name;
        key_types := key_types || col.type;
        key_expressions := key_expressions || wail.key_json_expression(col.name, col.atttypid);
    END LOOP;
    IF key_columns IS NULL THEN
        RAISE EXCEPTION 'wail: table % has no primary key; wail identifies rows by their primary key', target;
    END IF;
    -- The consumer refuses an intent with more key columns (dev.wail.core.intent.IntentLimits.MAX_KEY_COLUMNS).
    IF pg_catalog.cardinality(key_columns) > 16 THEN
        RAISE EXCEPTION 'wail: table % has % primary key columns; an intent holds at most 16', target,
            pg_catalog.cardinality(key_columns);
    END IF;
END;
$$;

-- A payload of captured table t, as JSON text, up to its operation's letter: '{"wail":1,"s":..,"t":..,"cv":N,"o":"'.
-- to_json quotes the source and the label.
CREATE OR REPLACE FUNCTION wail.payload_prefix(t wail.captured_tables)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT '{"wail":1,"s":' || pg_catalog.to_json(t.source)::text || ',"t":' || pg_catalog.to_json(t.table_label)::text
           || ',"cv":' || t.capture_version || ',"o":"'
$$;

-- A payload of captured table t, as JSON text, from after c to its first key: ',"kc":[..],"k":['.
CREATE OR REPLACE FUNCTION wail.payload_suffix(t wail.captured_tables)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ',"kc":' || pg_catalog.to_json(t.key_columns)::text || ',"k":['
$$;

-- The fixed parts of a payload of captured table t and operation op (i, u or d: no quoting needed), as JSON text, in
-- payload order: before x, before l, before c, before the keys, between two keys, after the keys. Written once here;
-- x, l, c and the keys are computed when the hook runs (aws_lambda) or when the drain reads the row (outbox).
CREATE OR REPLACE FUNCTION wail.payload_parts(t wail.captured_tables, op text)
RETURNS text[] LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY[wail.payload_prefix(t) || op || '","x":', ',"l":', ',"c":', wail.payload_suffix(t), ',', ']}']
$$;

-- The id of the wail.payload_formats row of captured table t's definition, created when there is none.
CREATE OR REPLACE FUNCTION wail.payload_format(t wail.captured_tables)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found_id integer;
BEGIN
    INSERT INTO wail.payload_formats (prefix, suffix) VALUES (wail.payload_prefix(t), wail.payload_suffix(t))
    ON CONFLICT (prefix, suffix) DO NOTHING
    RETURNING id INTO found_id;
    IF found_id IS NULL THEN
        SELECT f.id INTO found_id FROM wail.payload_formats f
         WHERE f.prefix = wail.payload_prefix(t) AND f.suffix = wail.payload_suffix(t);
    END IF;
    RETURN found_id;
END;
$$;

-- The payload of outbox row o, as JSON text, as the producer's drain reads it: the row's own payload (written before
-- issue 18's upgrade), or one made from its typed columns and its format, the same text the hook wrote before.
CREATE OR REPLACE FUNCTION wail.outbox_payload(o wail.outbox)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(o.payload, (
        SELECT f.prefix || o.op::text || '","x":' || o.xid::text || ',"l":' || (o.lsn - '0/0'::pg_lsn)::text
               || ',"c":' || floor(extract(epoch FROM o.created_at) * 1000)::bigint::text || f.suffix || o.keys || ']}'
          FROM wail.payload_formats f WHERE f.id = o.format))
$$;

-- The SQL expression that writes one payload of captured table t and operation op, as JSON text, from the keys of an
-- aggregate group (column k: one key's JSON array as text). Built by concatenation of wail.payload_parts rather than
-- json_build_object: the same text as json_build_object would write, without its spaces.
CREATE OR REPLACE FUNCTION wail.payload_expression(t wail.captured_tables, op text)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.format(
        '%1$L || pg_current_xact_id()::text || %2$L || (pg_current_wal_insert_lsn() - ''0/0''::pg_lsn)::text '
        '|| %3$L || floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text || %4$L '
        '|| string_agg(k, %5$L) || %6$L', p[1], p[2], p[3], p[4], p[5], p[6])
      FROM (SELECT wail.payload_parts(t, op) AS p) parts
$$;

-- The most bytes a payload of captured table t can take besides its keys: its fixed parts, with a capture version of
-- 10 digits (the most an integer has, so that a recapture never makes it longer), and x, l and c of 20 characters
-- each (the most an xid8, an LSN as a number and a bigint have).
CREATE OR REPLACE FUNCTION wail.max_payload_header_bytes(t wail.captured_tables)
RETURNS integer LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p text[];
BEGIN
    t.capture_version := 2147483647;
    p := wail.payload_parts(t, 'u');
    RETURN pg_catalog.octet_length(p[1]) + pg_catalog.octet_length(p[2]) + pg_catalog.octet_length(p[3])
         + pg_catalog.octet_length(p[4]) + pg_catalog.octet_length(p[6]) + 3 * 20;
END;
$$;

-- The most bytes one key of captured table t can take in a payload: '[' and ']', a comma between two columns, and per
-- column 20 for an integer type (-9223372036854775808) or, for any other type (a JSON string), two quotes and 2,048
-- characters (the consumer's longest key value, IntentLimits.MAX_KEY_VALUE_CHARS) of 6 bytes each, the most a
-- character takes in JSON (a control character is escaped as \u0001; no character takes more than 4 bytes of UTF-8).
-- A domain over an integer type counts as a string: more than it can take, never less.
CREATE OR REPLACE FUNCTION wail.max_key_bytes(t wail.captured_tables)
RETURNS integer LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT 2 + (pg_catalog.cardinality(t.key_types) - 1)
         + sum(CASE WHEN typ IN ('smallint', 'integer', 'bigint') THEN 20 ELSE 2 + 6 * 2048 END)::integer
      FROM pg_catalog.unnest(t.key_types) AS typ
$$;

-- The largest chunk_bytes with which no payload of captured table t exceeds wail.max_invoke_payload_bytes(). A
-- payload's keys, with the commas between them, take at most chunk_bytes - 1 bytes before its last key (see
-- wail.payload_query), so a payload takes at most header + chunk_bytes - 1 + one key.
CREATE OR REPLACE FUNCTION wail.max_chunk_bytes(t wail.captured_tables)
RETURNS integer LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT wail.max_invoke_payload_bytes() + 1 - wail.max_payload_header_bytes(t) - wail.max_key_bytes(t)
$$;

-- The queries that build the payloads of captured table t for the keys of changed_rows (a FROM item), one row per
-- payload: for delivery 'outbox' its keys (column keys, text: the key arrays joined by commas), for 'aws_lambda' the
-- whole payload (column payload, text).
--
-- single: the whole statement in one payload, or no row at all when it does not fit in one (more than chunk_keys keys,
-- or more than chunk_bytes bytes of keys, each key counted with its separator) or changed no row. This is the query a
-- captured statement runs first, because it is the cheapest one: one aggregate, no window, no grouping. Almost every
-- statement fits.
--
-- chunked: any number of keys, cut into payloads in one pass: each key costs max(its bytes * chunk_keys, chunk_bytes)
-- and a payload holds chunk_keys * chunk_bytes, so a payload never has more than chunk_keys keys and its keys pass
-- chunk_bytes by at most the last one. A key goes to the payload its starting offset falls in; offsets only grow, so
-- every payload is a contiguous run of keys.
CREATE OR REPLACE FUNCTION wail.payload_query(t wail.captured_tables, op text, key_expressions text[],
                                              changed_rows text, single boolean)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN single THEN pg_catalog.format(
                  'SELECT %1$s FROM (%2$s) keys '
                  'HAVING count(*) BETWEEN 1 AND %3$s AND sum(octet_length(k) + 1) <= %4$s',
                  selected, keys, t.chunk_keys, t.chunk_bytes)
           ELSE pg_catalog.format(
                  'SELECT %1$s FROM ('
                  'SELECT k, ((sum(cost) OVER (ROWS UNBOUNDED PRECEDING))::bigint - cost) / %5$s AS part FROM ('
                  'SELECT k, greatest((octet_length(k) + 1)::bigint * %3$s, %4$s) AS cost FROM (%2$s) keys) costed) '
                  'placed GROUP BY part',
                  selected, keys, t.chunk_keys, t.chunk_bytes,
                  t.chunk_keys::bigint * t.chunk_bytes)
           END
      FROM (SELECT pg_catalog.format('SELECT ''['' || %s || '']'' AS k FROM %s',
                                     pg_catalog.array_to_string(key_expressions, ' || '','' || '), changed_rows)
                AS keys,
                   CASE WHEN t.delivery = 'outbox' THEN 'string_agg(k, '','') AS keys'
                        ELSE wail.payload_expression(t, op) || ' AS payload' END AS selected) q
$$;

-- The statement that delivers each payload of a payload query of captured table t and operation op: one statement
-- rather than a loop of calls, because its fixed cost is what a one-row write pays. As PL/pgSQL (PERFORM) or as plain
-- SQL for EXECUTE. For 'outbox' it inserts one small typed row per payload (format: wail.payload_format(t)); the
-- drain makes the payload's text.
CREATE OR REPLACE FUNCTION wail.delivery_statement(t wail.captured_tables, op text, format_id integer, payloads text,
                                                   plpgsql boolean DEFAULT true)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE t.delivery
        WHEN 'outbox' THEN pg_catalog.format(
            'INSERT INTO wail.outbox (format, op, xid, lsn, keys) SELECT %s, %L, pg_current_xact_id(), '
            'pg_current_wal_insert_lsn(), keys FROM (%s) payloads', format_id, op, payloads)
        WHEN 'aws_lambda' THEN pg_catalog.format('%s wail.invoke(%L, %L, payload::json) FROM (%s) payloads',
            CASE WHEN plpgsql THEN 'PERFORM' ELSE 'SELECT' END, t.function_name, t.region, payloads)
    END
$$;

-- The PL/pgSQL that a hook runs for the keys of changed_rows: the single-payload statement, and only when it delivered
-- nothing (a statement too large for one payload, or one that changed no row) the chunked one.
CREATE OR REPLACE FUNCTION wail.hook_statements(t wail.captured_tables, op text, format_id integer,
                                                key_expressions text[], changed_rows text)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.format(E'%s;\n        IF NOT FOUND THEN\n            %s;\n        END IF',
        wail.delivery_statement(t, op, format_id,
                                wail.payload_query(t, op, key_expressions, changed_rows, single => true)),
        wail.delivery_statement(t, op, format_id,
                                wail.payload_query(t, op, key_expressions, changed_rows, single => false)))
$$;

-- True when aws_lambda.invoke and aws_commons.create_lambda_function_arn can be called: the real extension (Aurora,
-- RDS) or wail/aws_lambda_emulation.sql (plain PostgreSQL).
CREATE OR REPLACE FUNCTION wail.aws_lambda_available() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.to_regtype('aws_commons._lambda_function_arn_1') IS NOT NULL
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'aws_lambda' AND p.proname = 'invoke')
$$;

-- aws_lambda.invoke is wail_hooks' to call, not the application roles'.
CREATE OR REPLACE FUNCTION wail.grant_aws_lambda() RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF wail.aws_lambda_available() THEN
        GRANT USAGE ON SCHEMA aws_lambda, aws_commons TO wail_hooks;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_lambda, aws_commons TO wail_hooks;
    END IF;
END;
$$;

-- The name of the trigger function generated for a captured table: by oid, so that it survives renames.
CREATE OR REPLACE FUNCTION wail.hook_function(target regclass) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.format('wail.%I', 'hook_' || target::oid)
$$;

-- What wail.capture_events records as a definition.
CREATE OR REPLACE FUNCTION wail.definition_json(t wail.captured_tables) RETURNS jsonb LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN t.target IS NOT NULL THEN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'source', t.source, 'table_label', t.table_label, 'key_columns', t.key_columns, 'key_types', t.key_types,
        'delivery', t.delivery, 'chunk_keys', t.chunk_keys, 'chunk_bytes', t.chunk_bytes,
        'function_name', t.function_name, 'region', t.region)) END
$$;

CREATE OR REPLACE FUNCTION wail.record_event(table_oid oid, table_name text, event text, capture_version integer,
                                             old_definition jsonb, new_definition jsonb, reason text)
RETURNS void LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO wail.capture_events (table_oid, table_name, event, capture_version, old_definition, new_definition,
                                     reason)
    VALUES (table_oid, table_name, event, capture_version, old_definition, new_definition, reason)
$$;

CREATE OR REPLACE FUNCTION wail.drop_triggers(target regclass) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    trigger_name name;
BEGIN
    FOR trigger_name IN
        SELECT t.tgname FROM pg_catalog.pg_trigger t
         WHERE t.tgrelid = target
           AND t.tgname IN ('wail_capture_insert', 'wail_capture_update', 'wail_capture_delete', 'wail_capture_truncate')
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', trigger_name, target);
    END LOOP;
END;
$$;

CREATE OR REPLACE FUNCTION wail.create_triggers(target regclass, fn text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM wail.drop_triggers(target);
    EXECUTE pg_catalog.format('CREATE TRIGGER wail_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS wail_new '
                              'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE pg_catalog.format('CREATE TRIGGER wail_capture_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS wail_old '
                              'NEW TABLE AS wail_new FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE pg_catalog.format('CREATE TRIGGER wail_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS wail_old '
                              'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    EXECUTE pg_catalog.format('CREATE TRIGGER wail_capture_truncate BEFORE TRUNCATE ON %s '
                              'FOR EACH STATEMENT EXECUTE FUNCTION %s()', target, fn);
    -- For the keys a TRUNCATE removes, read by the trigger function as wail_hooks. The schema's USAGE stays granted
    -- after wail.uncapture: other captured tables may live there, and it gives no right on any object.
    EXECUTE pg_catalog.format('GRANT SELECT ON %s TO wail_hooks', target);
    -- Row-level security would hide rows from wail_hooks (a TRUNCATE would then report no deletes): a policy of its
    -- own lets it read them all, whether the table has row-level security now or gets it later. Permissive policies
    -- add up, so no other role sees more. (A restrictive policy for wail_hooks, or for PUBLIC, would still hide rows.)
    EXECUTE pg_catalog.format('DROP POLICY IF EXISTS wail_hooks_read ON %s', target);
    EXECUTE pg_catalog.format('CREATE POLICY wail_hooks_read ON %s AS PERMISSIVE FOR SELECT TO wail_hooks USING (true)',
                              target);
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO wail_hooks',
                              (SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n
                                   ON n.oid = c.relnamespace WHERE c.oid = target));
END;
$$;

CREATE OR REPLACE FUNCTION wail.remove_hooks(target regclass) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM wail.drop_triggers(target);
    EXECUTE pg_catalog.format('DROP POLICY IF EXISTS wail_hooks_read ON %s', target);
    EXECUTE pg_catalog.format('REVOKE SELECT ON %s FROM wail_hooks', target);
END;
$$;

-- Reports the keys of every row of relation (a captured table's detached or attached partition) as operation op,
-- through the captured table's delivery, as its trigger would.
CREATE OR REPLACE FUNCTION wail.report_rows(t wail.captured_tables, relation regclass, op text,
                                            key_expressions text[])
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE wail.delivery_statement(t, op, wail.payload_format(t),
        wail.payload_query(t, op, key_expressions, relation::text, single => false), plpgsql => false);
END;
$$;

-- Ends the capture of target, if it has one of its own: removes the hooks from it and its partitions, its trigger
-- function and its row, and records the event ('uncaptured' or 'refused') with the reason.
CREATE OR REPLACE FUNCTION wail.end_capture(target regclass, event text, reason text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    old  wail.captured_tables;
    part regclass;
BEGIN
    FOR part IN SELECT p.partition FROM wail.captured_partitions p WHERE p.root = target LOOP
        PERFORM wail.remove_hooks(part);
    END LOOP;
    DELETE FROM wail.captured_tables c WHERE c.target = end_capture.target RETURNING * INTO old;
    IF FOUND THEN
        PERFORM wail.remove_hooks(target);
        EXECUTE pg_catalog.format('DROP FUNCTION IF EXISTS %s()', wail.hook_function(target));
        PERFORM wail.record_event(target, pg_catalog.format('%s', target), event, old.capture_version,
                                  wail.definition_json(old), NULL, reason);
    END IF;
END;
$$;

-- Installs (or reinstalls) the hooks of captured table t (its wail.captured_tables row, the definition already
-- checked): generates its trigger function, puts the triggers on the table and on every partition, and brings
-- wail.captured_partitions up to date. With report_partition_changes, the rows of partitions that left the table
-- are reported deleted and those of partitions that joined it inserted (DETACH / ATTACH PARTITION); wail.capture
-- reports nothing (capturing reports no existing row).
CREATE OR REPLACE FUNCTION wail.install(t wail.captured_tables, key_expressions text[],
                                        report_partition_changes boolean)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    fn         constant text := wail.hook_function(t.target);
    format_id  constant integer := wail.payload_format(t);
    key_list   constant text := (SELECT pg_catalog.string_agg(pg_catalog.format('%I', c), ', ')
                                   FROM pg_catalog.unnest(t.key_columns) AS c);
    truncate_q text;
    part       record;
BEGIN
    -- The TRUNCATE query reads the truncated table named by TG_RELID at fire time (never by a name written here).
    truncate_q := wail.delivery_statement(t, 'd', format_id,
        wail.payload_query(t, 'd', key_expressions, pg_catalog.chr(1), single => false), plpgsql => false);
    EXECUTE pg_catalog.format($f$
CREATE OR REPLACE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $t$
BEGIN
    IF TG_OP = 'INSERT' THEN
        %2$s;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Keys from both sides: an update that changes a primary key (or moves a row to another partition) removes
        -- the old key and creates the new one.
        %3$s;
    ELSIF TG_OP = 'DELETE' THEN
        %4$s;
    ELSIF (SELECT relkind FROM pg_catalog.pg_class WHERE oid = TG_RELID) <> 'p' THEN
        -- TRUNCATE: this trigger runs BEFORE it, under its exclusive lock, while every row is still there. A
        -- partitioned table holds no rows: each of its partitions, truncated with it, reports its own. The keys of
        -- inheritance children are read too: one reported but not removed (TRUNCATE ONLY) is a harmless extra
        -- intent, one not reported would be a missed delete.
        EXECUTE %5$L || TG_RELID::regclass::text || %6$L;
    END IF;
    RETURN NULL;
END;
$t$;
$f$, fn,
        wail.hook_statements(t, 'i', format_id, key_expressions, 'wail_new'),
        wail.hook_statements(t, 'u', format_id, key_expressions,
            pg_catalog.format('(SELECT %1$s FROM wail_new UNION SELECT %1$s FROM wail_old) changed', key_list)),
        wail.hook_statements(t, 'd', format_id, key_expressions, 'wail_old'),
        pg_catalog.split_part(truncate_q, pg_catalog.chr(1), 1),
        pg_catalog.split_part(truncate_q, pg_catalog.chr(1), 2));
    EXECUTE pg_catalog.format('ALTER FUNCTION %s() OWNER TO wail_hooks', fn);
    EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s() FROM PUBLIC', fn);

    -- Partitions that left the table (DETACH PARTITION): report their rows deleted, then remove their hooks.
    FOR part IN
        SELECT p.partition, c.relkind FROM wail.captured_partitions p
          LEFT JOIN pg_catalog.pg_class c ON c.oid = p.partition
         WHERE p.root = t.target
           AND p.partition NOT IN (SELECT relid FROM pg_catalog.pg_partition_tree(t.target))
    LOOP
        IF part.relkind IS NOT NULL THEN
            IF report_partition_changes AND part.relkind <> 'p' THEN
                PERFORM wail.report_rows(t, part.partition, 'd', key_expressions);
            END IF;
            PERFORM wail.remove_hooks(part.partition);
        END IF;
        DELETE FROM wail.captured_partitions WHERE partition = part.partition;
    END LOOP;

    -- Partitions that joined the table (CREATE TABLE ... PARTITION OF, ATTACH PARTITION). One that was captured on
    -- its own is captured through the table from now on.
    FOR part IN
        SELECT tree.relid, tree.parentrelid, tree.isleaf FROM pg_catalog.pg_partition_tree(t.target) tree
         WHERE tree.relid <> t.target
           AND tree.relid NOT IN (SELECT p.partition FROM wail.captured_partitions p WHERE p.root = t.target)
    LOOP
        PERFORM wail.end_capture(part.relid, 'uncaptured', pg_catalog.format(
            'became a partition of %s, which wail captures: captured through it', t.target));
        INSERT INTO wail.captured_partitions (partition, root, parent)
        VALUES (part.relid, t.target, part.parentrelid);
        IF report_partition_changes AND part.isleaf THEN
            PERFORM wail.report_rows(t, part.relid, 'i', key_expressions);
        END IF;
    END LOOP;

    UPDATE wail.captured_partitions p SET parent = tree.parentrelid
      FROM pg_catalog.pg_partition_tree(t.target) tree
     WHERE p.partition = tree.relid AND p.parent IS DISTINCT FROM tree.parentrelid;

    -- The table itself and every partition, at every level.
    PERFORM wail.create_triggers(t.target, fn);
    FOR part IN SELECT p.partition FROM wail.captured_partitions p WHERE p.root = t.target LOOP
        PERFORM wail.create_triggers(part.partition, fn);
    END LOOP;
END;
$$;

-- True when the partitions of captured table target are not those recorded in wail.captured_partitions.
CREATE OR REPLACE FUNCTION wail.partitions_changed(target regclass) RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT relid FROM pg_catalog.pg_partition_tree(target) WHERE relid <> target
                   EXCEPT SELECT p.partition FROM wail.captured_partitions p WHERE p.root = target)
        OR EXISTS (SELECT p.partition FROM wail.captured_partitions p WHERE p.root = target
                   EXCEPT SELECT relid FROM pg_catalog.pg_partition_tree(target))
$$;

-- Refuses a table whose payload header and one key leave no room under the asynchronous invoke limit of delivery
-- 'aws_lambda', and, with from_capture (a chunk_bytes wail.capture was given), a chunk_bytes with which a payload of
-- captured table t (its label, key columns and types filled in) could exceed it, with an error that names the limit
-- and the largest accepted value. Delivery 'outbox' has no such limit.
CREATE OR REPLACE FUNCTION wail.check_chunk_bytes(t wail.captured_tables, from_capture boolean)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    largest integer;
BEGIN
    IF t.delivery <> 'aws_lambda' THEN
        RETURN;
    END IF;
    largest := wail.max_chunk_bytes(t);
    IF largest < 1 THEN
        RAISE EXCEPTION 'wail: % cannot be captured with delivery ''aws_lambda'': a payload''s header (% bytes at most) '
                        'and one key (% bytes at most) exceed the % byte asynchronous invoke limit', t.target,
            wail.max_payload_header_bytes(t), wail.max_key_bytes(t), wail.max_invoke_payload_bytes()
            USING HINT = 'use a shorter source name, or delivery ''outbox''';
    END IF;
    IF from_capture AND t.chunk_bytes > largest THEN
        RAISE EXCEPTION 'wail.capture: chunk_bytes must be at most % for % with delivery ''aws_lambda'', got %',
            largest, t.target, t.chunk_bytes
            USING DETAIL = pg_catalog.format('A payload must stay under the %s byte asynchronous invoke limit with '
                'its header (%s bytes at most) and, past chunk_bytes, one more key (%s bytes at most: %s key columns '
                'of at most 2048 characters each, escaped as JSON).', wail.max_invoke_payload_bytes(),
                wail.max_payload_header_bytes(t), wail.max_key_bytes(t), pg_catalog.cardinality(t.key_columns)),
                  HINT = pg_catalog.format('capture with chunk_bytes => %s or less, or leave it out', largest);
    END IF;
END;
$$;

-- Captures target with settings (a wail.captured_tables row; target, source and settings filled in), or captures
-- it again with its current definition: records the change and bumps capture_version when the definition changed.
CREATE OR REPLACE FUNCTION wail.apply_capture(settings wail.captured_tables, reason text,
                                              report_partition_changes boolean)
RETURNS wail.captured_tables LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    def   record := wail.table_definition(settings.target);
    old   wail.captured_tables;
    t     wail.captured_tables := settings;
    root  regclass;
    event text;
BEGIN
    SELECT p.root INTO root FROM wail.captured_partitions p WHERE p.partition = settings.target;
    IF root IS NOT NULL THEN
        RAISE EXCEPTION 'wail: % is a partition of %, which is captured: it is captured through it', settings.target,
            root USING HINT = pg_catalog.format('capture or uncapture %s instead', root);
    END IF;
    SELECT * INTO old FROM wail.captured_tables c WHERE c.target = settings.target;
    t.table_label := def.label;
    t.key_columns := def.key_columns;
    t.key_types := def.key_types;
    t.installed_at := pg_catalog.clock_timestamp();
    IF old.target IS NULL THEN
        event := 'captured';
        t.capture_version := coalesce((SELECT max(e.capture_version) FROM wail.capture_events e
                                        WHERE e.table_oid = settings.target), 0) + 1;
    ELSIF wail.definition_json(old) IS DISTINCT FROM wail.definition_json(t) THEN
        event := 'recaptured';
        t.capture_version := old.capture_version + 1;
    ELSE
        t.capture_version := old.capture_version;
    END IF;
    PERFORM wail.check_chunk_bytes(t, from_capture => false);
    IF t.delivery = 'aws_lambda' AND t.chunk_bytes > wail.max_chunk_bytes(t) THEN
        -- A change of definition (DDL, a re-run of hooks.sql) that leaves less room for the keys: the stored
        -- chunk_bytes is lowered to what fits, and recorded as a change of definition.
        t.chunk_bytes := wail.max_chunk_bytes(t);
        IF event IS NULL THEN
            event := 'recaptured';
            t.capture_version := old.capture_version + 1;
        END IF;
    END IF;
    INSERT INTO wail.captured_tables VALUES (t.*)
    ON CONFLICT ON CONSTRAINT captured_tables_pkey DO UPDATE
       SET source = EXCLUDED.source, table_label = EXCLUDED.table_label, key_columns = EXCLUDED.key_columns,
           key_types = EXCLUDED.key_types, delivery = EXCLUDED.delivery, chunk_keys = EXCLUDED.chunk_keys,
           chunk_bytes = EXCLUDED.chunk_bytes, function_name = EXCLUDED.function_name, region = EXCLUDED.region,
           capture_version = EXCLUDED.capture_version, installed_at = EXCLUDED.installed_at;
    -- DDL that changed neither the definition nor the partitions (a column added, an index) leaves the hooks alone.
    IF event IS NOT NULL OR NOT report_partition_changes OR wail.partitions_changed(t.target) THEN
        PERFORM wail.install(t, def.key_expressions, report_partition_changes);
    END IF;
    IF event IS NOT NULL THEN
        PERFORM wail.record_event(t.target, pg_catalog.format('%s', t.target), event, t.capture_version,
                                  wail.definition_json(old), wail.definition_json(t), reason);
    END IF;
    RETURN t;
END;
$$;

-- Installs (or reinstalls) the hooks on one table. The trigger function is generated per table so that its queries
-- are planned once per session; every identifier in it is quoted with format('%I'), every value with format('%L').
CREATE OR REPLACE FUNCTION wail.capture(target regclass, source text, delivery text DEFAULT 'outbox',
                                        chunk_keys integer DEFAULT 5000, chunk_bytes integer DEFAULT NULL,
                                        function_name text DEFAULT NULL, region text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t   wail.captured_tables;
    def record;
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
    -- chunk_bytes left out: 200,000, or for delivery 'aws_lambda' the largest that fits the table's key when less.
    IF chunk_bytes IS NOT NULL AND (chunk_bytes < 1 OR chunk_bytes > wail.max_invoke_payload_bytes()) THEN
        RAISE EXCEPTION 'wail.capture: chunk_bytes must be between 1 and %, got %', wail.max_invoke_payload_bytes(),
            chunk_bytes;
    END IF;
    IF delivery = 'aws_lambda' THEN
        PERFORM wail.grant_aws_lambda();
    END IF;
    t.target := target;
    t.source := source;
    t.delivery := delivery;
    t.chunk_keys := chunk_keys;
    t.chunk_bytes := coalesce(chunk_bytes, 200000);
    t.function_name := function_name;
    t.region := region;
    def := wail.table_definition(target);
    t.table_label := def.label;
    t.key_columns := def.key_columns;
    t.key_types := def.key_types;
    IF chunk_bytes IS NULL AND delivery = 'aws_lambda' THEN
        t.chunk_bytes := least(t.chunk_bytes, wail.max_chunk_bytes(t));
    END IF;
    PERFORM wail.check_chunk_bytes(t, from_capture => true);
    t := wail.apply_capture(t, 'wail.capture', report_partition_changes => false);
    RETURN format('wail captures %s as %s/%s, key (%s), delivery %s%s', target, source, t.table_label,
                  (SELECT string_agg(format('%I', c), ', ') FROM unnest(t.key_columns) AS c), delivery,
                  CASE WHEN delivery = 'aws_lambda'
                       THEN format(' to %s%s', function_name, coalesce(' in ' || region, '')) ELSE '' END);
END;
$$;

-- Removes the hooks from one table (and its partitions). Payloads already in the outbox are still drained;
-- invocations already sent are still handled.
CREATE OR REPLACE FUNCTION wail.uncapture(target regclass)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM wail.remove_hooks(target);
    PERFORM wail.end_capture(target, 'uncaptured', 'wail.uncapture');
    RETURN format('wail no longer captures %s', target);
END;
$$;

-- The captured tables a DDL command on relation may have changed: the relation itself, the captured table it is a
-- partition of (recorded or current), the captured tables of a schema it renamed.
CREATE OR REPLACE FUNCTION wail.captures_touched(classid oid, objid oid) RETURNS SETOF regclass LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT c.target FROM wail.captured_tables c
     WHERE classid = 'pg_catalog.pg_class'::regclass
       AND (c.target = objid::regclass
            OR c.target IN (SELECT p.root FROM wail.captured_partitions p WHERE p.partition = objid::regclass)
            OR c.target IN (SELECT relid FROM pg_catalog.pg_partition_ancestors(objid::regclass)))
    UNION
    SELECT c.target FROM wail.captured_tables c JOIN pg_catalog.pg_class r ON r.oid = c.target
     WHERE classid = 'pg_catalog.pg_namespace'::regclass AND r.relnamespace = objid
$$;

-- ddl_command_end: captures every table the command touched again with its new definition, or refuses the command
-- when the table can no longer be captured.
CREATE OR REPLACE FUNCTION wail.follow_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t       wail.captured_tables;
    touched record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM wail.captured_tables) THEN
        RETURN;
    END IF;
    FOR touched IN
        SELECT DISTINCT ON (target) target, cmd.command_tag AS tag
          FROM pg_catalog.pg_event_trigger_ddl_commands() cmd
         CROSS JOIN LATERAL wail.captures_touched(cmd.classid, cmd.objid) target
    LOOP
        SELECT * INTO t FROM wail.captured_tables c WHERE c.target = touched.target;
        BEGIN
            PERFORM wail.apply_capture(t, touched.tag, report_partition_changes => true);
        EXCEPTION WHEN raise_exception THEN
            RAISE EXCEPTION 'wail: % refused: %', touched.tag, replace(SQLERRM, 'wail: ', '')
                USING HINT = pg_catalog.format('wail captures %s. Change its primary key in one ALTER TABLE '
                    '(DROP CONSTRAINT ..., ADD PRIMARY KEY (...)) to a key wail accepts, or stop capturing it '
                    'first: SELECT wail.uncapture(%L);', t.target, t.target::text);
        END;
    END LOOP;
END;
$$;

-- sql_drop: a dropped captured table loses its capture (recorded); dropping a partition of a captured table that
-- stays is refused, because its rows can no longer be read to report them deleted.
CREATE OR REPLACE FUNCTION wail.follow_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    dropped record;
    old     wail.captured_tables;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM wail.captured_tables) THEN
        RETURN;
    END IF;
    FOR dropped IN
        SELECT d.objid, d.object_identity, p.root, p.parent
          FROM pg_catalog.pg_event_trigger_dropped_objects() d
          JOIN wail.captured_partitions p ON p.partition::oid = d.objid
         WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
           AND p.root::oid NOT IN (SELECT objid FROM pg_catalog.pg_event_trigger_dropped_objects())
    LOOP
        RAISE EXCEPTION 'wail: DROP TABLE % refused: it is a partition of %, which wail captures, and the deletes '
                        'of its rows could not be reported', dropped.object_identity, dropped.root
            USING HINT = pg_catalog.format('detach it first (ALTER TABLE %s DETACH PARTITION %s; reports its rows '
                                           'deleted), then drop it', dropped.parent, dropped.object_identity);
    END LOOP;
    FOR dropped IN
        SELECT d.objid, d.object_identity FROM pg_catalog.pg_event_trigger_dropped_objects() d
         WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
           AND d.objid IN (SELECT target::oid FROM wail.captured_tables)
    LOOP
        DELETE FROM wail.captured_tables c WHERE c.target::oid = dropped.objid RETURNING * INTO old;
        EXECUTE pg_catalog.format('DROP FUNCTION IF EXISTS wail.%I()', 'hook_' || dropped.objid);
        PERFORM wail.record_event(dropped.objid, dropped.object_identity, 'dropped', old.capture_version,
                                  wail.definition_json(old), NULL,
                                  'DROP: the table was dropped; its rows were not reported deleted');
    END LOOP;
END;
$$;

-- Privileges: nothing of wail for PUBLIC; wail_hooks gets what the generated triggers use.
REVOKE ALL ON ALL TABLES IN SCHEMA wail FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA wail FROM PUBLIC;
GRANT INSERT ON wail.outbox TO wail_hooks;
-- The drain's role reads rows with wail.outbox_payload: a role that may read wail.outbox (granted for an earlier
-- version) gets what it now needs too, so that an upgrade does not stop its drain.
DO $$
DECLARE
    drainer name;
BEGIN
    FOR drainer IN SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
                    WHERE g.table_schema = 'wail' AND g.table_name = 'outbox' AND g.privilege_type = 'SELECT'
                      AND g.grantee NOT IN ('PUBLIC', 'wail_hooks')
                      AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = g.grantee) LOOP
        EXECUTE pg_catalog.format('GRANT SELECT ON wail.payload_formats TO %I', drainer);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION wail.outbox_payload(wail.outbox) TO %I', drainer);
    END LOOP;
END;
$$;
GRANT EXECUTE ON FUNCTION wail.invoke(text, text, json), wail.max_invoke_payload_bytes() TO wail_hooks;
SELECT wail.grant_aws_lambda();

-- Reinstall: forget tables that were dropped, then regenerate the hooks of the others with the code above, keeping
-- each table's settings. A table that cannot be captured again under the current rules loses its hooks ('refused').
DELETE FROM wail.captured_tables t WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = t.target);
DO $$
DECLARE
    t wail.captured_tables;
BEGIN
    FOR t IN SELECT * FROM wail.captured_tables ORDER BY target::text LOOP
        BEGIN
            PERFORM wail.apply_capture(t, 'hooks.sql re-run', report_partition_changes => false);
        EXCEPTION WHEN raise_exception THEN
            PERFORM wail.end_capture(t.target, 'refused', 'hooks.sql re-run: ' || SQLERRM);
            RAISE WARNING 'wail: no longer captures %: %', t.target, SQLERRM;
        END;
    END LOOP;
END;
$$;
-- Trigger functions of earlier versions, named after the table (capture_<schema>_<table>): replaced by hook_<oid>.
DO $$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN SELECT p.oid FROM pg_catalog.pg_proc p
               WHERE p.pronamespace = 'wail'::regnamespace AND p.proname LIKE 'capture\_%'
                 AND p.prorettype = 'trigger'::regtype LOOP
        EXECUTE pg_catalog.format('DROP FUNCTION %s', fn);
    END LOOP;
END;
$$;

CREATE EVENT TRIGGER wail_follow_ddl ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE', 'ALTER SCHEMA')
    EXECUTE FUNCTION wail.follow_ddl();
CREATE EVENT TRIGGER wail_follow_drop ON sql_drop
    WHEN TAG IN ('DROP TABLE', 'DROP SCHEMA', 'DROP OWNED')
    EXECUTE FUNCTION wail.follow_drop();
