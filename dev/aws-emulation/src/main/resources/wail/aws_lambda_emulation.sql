-- aws_lambda emulation for plain PostgreSQL (a laptop, CI): NOT for Aurora or RDS, which have the real extension.
--
-- Creates the schemas aws_commons and aws_lambda with the signatures Aurora PostgreSQL documents, so that the very
-- trigger SQL of wail's 'aws_lambda' delivery runs unchanged:
--     aws_commons.create_lambda_function_arn(function_name text, region text DEFAULT NULL)
--         RETURNS aws_commons._lambda_function_arn_1
--     aws_lambda.invoke(function_name aws_commons._lambda_function_arn_1 | text, payload json | jsonb,
--                       [region text,] invocation_type text, log_type text, context json | jsonb,
--                       qualifier varchar(128), OUT status_code int, OUT payload json | jsonb,
--                       OUT executed_version text, OUT log_result text)
--
-- How an 'Event' invoke is delivered here: the call writes the invocation to aws_lambda_emulation.invocations over a
-- dblink connection back into the same database, which commits on its own at once. Like Aurora's invoke, it has left
-- the writing transaction when the call returns: it survives a rollback, and it can be delivered before the writer
-- commits. A local invoker (dev.wail.emulation.aurora.LambdaInvokeEmulator) claims the rows, posts each payload to the
-- function, deletes it once the function succeeded, retries a failed one twice (Lambda's default for asynchronous
-- invokes) and then moves it to aws_lambda_emulation.failed_invocations with the error (the on-failure destination).
-- Nothing is lost while the invoker is down: invocations wait in the table.
--
-- What differs from Aurora:
--   * the transport: a row in this database instead of an HTTPS call to the Lambda service; its cost is a local round
--     trip and one small extra transaction per payload, not a network round trip to Lambda;
--   * each writing session holds a second connection (the dblink loopback) while it lives: count it in
--     max_connections;
--   * only 'Event' (asynchronous) and 'DryRun' are emulated; 'RequestResponse' raises an error;
--   * the loopback connection needs a role dblink may connect as: a superuser (the default: the role that ran this
--     script, which owns aws_lambda.invoke), or set aws_lambda_emulation.settings.loopback_conninfo with a password;
--   * never lock aws_lambda_emulation.invocations in a writing transaction: the loopback insert would wait for it and
--     the writer for the insert, a deadlock PostgreSQL cannot see.
--
-- Idempotent; refuses to run where the real aws_lambda or aws_commons extension is installed. To remove it:
--     DROP SCHEMA aws_lambda, aws_commons, aws_lambda_emulation CASCADE;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname IN ('aws_lambda', 'aws_commons')) THEN
        RAISE EXCEPTION 'this database has the real aws_lambda extension; the emulation is for plain PostgreSQL only';
    END IF;
END;
$$;

CREATE EXTENSION IF NOT EXISTS dblink;
CREATE SCHEMA IF NOT EXISTS aws_commons;
CREATE SCHEMA IF NOT EXISTS aws_lambda;
CREATE SCHEMA IF NOT EXISTS aws_lambda_emulation;

CREATE TABLE IF NOT EXISTS aws_lambda_emulation.settings (
    singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    loopback_conninfo text    NOT NULL
);
COMMENT ON TABLE aws_lambda_emulation.settings IS 'Optional: the libpq connection string dblink uses to write invocations (default: this database, as the current user, over the address the writer came in on).';

CREATE TABLE IF NOT EXISTS aws_lambda_emulation.invocations (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    function_name   text        NOT NULL,
    region          text,
    qualifier       text,
    payload         text        NOT NULL,
    invoked_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    last_error      text
);
COMMENT ON TABLE aws_lambda_emulation.invocations IS 'Asynchronous invocations accepted and not yet handled; the local invoker deletes a row once the function succeeded.';

CREATE TABLE IF NOT EXISTS aws_lambda_emulation.failed_invocations (
    id            bigint      PRIMARY KEY,
    function_name text        NOT NULL,
    region        text,
    qualifier     text,
    payload       text        NOT NULL,
    invoked_at    timestamptz NOT NULL,
    attempts      integer     NOT NULL,
    error         text        NOT NULL,
    failed_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE aws_lambda_emulation.failed_invocations IS 'Invocations whose function failed every attempt, with the last error: the emulated on-failure destination.';

DO $$
BEGIN
    -- Aurora does not document the fields of this type; nothing outside this file reads them.
    CREATE TYPE aws_commons._lambda_function_arn_1 AS (function_name text, region text);
EXCEPTION WHEN duplicate_object THEN
    NULL;
END;
$$;

CREATE OR REPLACE FUNCTION aws_commons.create_lambda_function_arn(function_name text, region text DEFAULT NULL)
RETURNS aws_commons._lambda_function_arn_1 LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW($1, $2)::aws_commons._lambda_function_arn_1
$$;

-- A libpq connection string value, quoted.
CREATE OR REPLACE FUNCTION aws_lambda_emulation.conninfo_value(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '''' || replace(replace(value, '\', '\\'), '''', '\''') || ''''
$$;

-- Where the loopback connection goes: the settings row, or this database as the current user over the address this
-- session came in on (its Unix socket directory for a local session).
CREATE OR REPLACE FUNCTION aws_lambda_emulation.loopback_conninfo() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT loopback_conninfo FROM aws_lambda_emulation.settings),
        format('host=%s port=%s dbname=%s user=%s application_name=aws_lambda_emulation',
               aws_lambda_emulation.conninfo_value(coalesce(host(inet_server_addr()),
                   split_part(current_setting('unix_socket_directories'), ',', 1))),
               current_setting('port'),
               aws_lambda_emulation.conninfo_value(current_database()),
               aws_lambda_emulation.conninfo_value(current_user)))
$$;

-- Opens the session's loopback connection and prepares its insert there. Its commits do not wait for the WAL flush,
-- and lose nothing that matters: the invocation's commit record precedes the writer's own in the WAL, so whenever the
-- writer's commit is durable the invocation is too, and an invocation lost in a crash belonged to a change that never
-- committed.
CREATE OR REPLACE FUNCTION aws_lambda_emulation.connect(link text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dblink_connect(link, aws_lambda_emulation.loopback_conninfo());
    PERFORM dblink_exec(link, 'SET synchronous_commit = off');
    PERFORM dblink_exec(link, 'PREPARE aws_lambda_emulation_enqueue (text, text, text, text) AS '
                              'INSERT INTO aws_lambda_emulation.invocations '
                              '(function_name, region, qualifier, payload) VALUES ($1, $2, $3, $4)');
END;
$$;

-- Writes one invocation through the session's loopback connection, which commits it at once, whatever the calling
-- transaction does next. Opens the connection on first use and once more if it was lost.
CREATE OR REPLACE FUNCTION aws_lambda_emulation.enqueue(function_name text, region text, qualifier text, event text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    link       constant text := 'aws_lambda_emulation';
    insert_sql text := format('EXECUTE aws_lambda_emulation_enqueue (%L, %L, %L, %L)', function_name, region,
                              qualifier, event);
BEGIN
    IF NOT coalesce(link = ANY (dblink_get_connections()), false) THEN
        PERFORM aws_lambda_emulation.connect(link);
    END IF;
    -- fail_on_error => false: a lost connection answers 'ERROR' (and a notice) instead of raising, so it can be
    -- reopened without a subtransaction around every call.
    IF dblink_exec(link, insert_sql, false) <> 'INSERT 0 1' THEN
        PERFORM dblink_disconnect(link);
        PERFORM aws_lambda_emulation.connect(link);
        PERFORM dblink_exec(link, insert_sql);
    END IF;
END;
$$;

-- The one implementation behind every aws_lambda.invoke signature.
CREATE OR REPLACE FUNCTION aws_lambda_emulation.invoke(function_name text, region text, event text,
                                                       invocation_type text, qualifier text,
                                                       OUT status_code integer, OUT executed_version text)
LANGUAGE plpgsql AS $$
DECLARE
    arn_region text := substring(function_name FROM '^arn:[^:]+:lambda:([^:]+):');
BEGIN
    IF coalesce(function_name, '') = '' THEN
        RAISE EXCEPTION 'aws_lambda.invoke: function_name is required';
    END IF;
    IF region IS NOT NULL AND arn_region IS NOT NULL AND region <> arn_region THEN
        RAISE EXCEPTION 'aws_lambda.invoke: region % conflicts with the region % of function ARN %', region,
            arn_region, function_name;
    END IF;
    IF invocation_type = 'Event' THEN
        PERFORM aws_lambda_emulation.enqueue(function_name, coalesce(region, arn_region), qualifier, event);
        status_code := 202;
    ELSIF invocation_type = 'DryRun' THEN
        status_code := 204;
    ELSIF invocation_type = 'RequestResponse' THEN
        RAISE EXCEPTION 'aws_lambda.invoke: the local emulation delivers asynchronously only'
            USING ERRCODE = 'feature_not_supported', HINT = 'pass invocation_type => ''Event''';
    ELSE
        RAISE EXCEPTION 'aws_lambda.invoke: invocation_type must be RequestResponse, Event or DryRun '
                        '(case-sensitive), got %', invocation_type USING ERRCODE = 'invalid_parameter_value';
    END IF;
    executed_version := coalesce(qualifier, '$LATEST');
END;
$$;

-- The four signatures Aurora documents: a function given as the composite or as text (then with a region), and a
-- payload given as json or jsonb, generated here for both payload types. SQL bodies, because the IN and OUT parameters
-- share the name "payload", which PL/pgSQL does not allow; they refer to arguments by position. SECURITY DEFINER, so
-- that a role granted EXECUTE on aws_lambda.invoke (as on Aurora) needs nothing of aws_lambda_emulation or dblink, and
-- the loopback connects as the owner; search_path pinned to pg_catalog and dblink's schema.
DO $do$
DECLARE
    payload_type  text;
    dblink_schema text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                            WHERE e.extname = 'dblink');
BEGIN
    FOREACH payload_type IN ARRAY ARRAY['json', 'jsonb'] LOOP
        EXECUTE format($f$
            CREATE OR REPLACE FUNCTION aws_lambda.invoke(
                IN function_name aws_commons._lambda_function_arn_1, IN payload %1$s,
                IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
                IN context %1$s DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
                OUT status_code integer, OUT payload %1$s, OUT executed_version text, OUT log_result text)
            LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, %2$I, pg_temp AS $b$
                SELECT r.status_code, NULL::%1$s, r.executed_version, NULL::text
                  FROM aws_lambda_emulation.invoke(($1).function_name, ($1).region, $2::text, $3, $6) r
            $b$
        $f$, payload_type, dblink_schema);
        EXECUTE format($f$
            CREATE OR REPLACE FUNCTION aws_lambda.invoke(
                IN function_name text, IN payload %1$s, IN region text DEFAULT NULL,
                IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
                IN context %1$s DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
                OUT status_code integer, OUT payload %1$s, OUT executed_version text, OUT log_result text)
            LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, %2$I, pg_temp AS $b$
                SELECT r.status_code, NULL::%1$s, r.executed_version, NULL::text
                  FROM aws_lambda_emulation.invoke($1, $3, $2::text, $4, $7) r
            $b$
        $f$, payload_type, dblink_schema);
    END LOOP;
END;
$do$;

-- Like Aurora's extension: no role may invoke until granted (hooks.sql grants wail_hooks).
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA aws_lambda, aws_commons, aws_lambda_emulation FROM PUBLIC;
REVOKE ALL ON SCHEMA aws_lambda, aws_commons, aws_lambda_emulation FROM PUBLIC;
