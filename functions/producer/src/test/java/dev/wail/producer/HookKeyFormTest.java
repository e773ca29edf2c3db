package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each key column type is written in its canonical form (the table in hooks.sql's header),
 * whatever the writing session's TimeZone, DateStyle, bytea_output, extra_float_digits or standard_conforming_strings;
 * any other key type is refused by wail.capture with the column, its type and why.
 */
@RealServices
class HookKeyFormTest {

    /**
     * Runs {@code inserts} in a writing session whose settings differ from every default a form could lean on. Set
     * locally inside one DO block: the JDBC driver refuses a session whose DateStyle does not begin with ISO.
     */
    private void writeInAnOddSession(String inserts) {
        postgres.execute("DO $$ BEGIN "
                + "PERFORM set_config('TimeZone', 'Asia/Kolkata', true); "
                + "PERFORM set_config('DateStyle', 'SQL, DMY', true); "
                + "PERFORM set_config('bytea_output', 'escape', true); "
                + "PERFORM set_config('extra_float_digits', '3', true); "
                + "PERFORM set_config('standard_conforming_strings', 'off', true); "
                + "PERFORM set_config('IntervalStyle', 'sql_standard', true); "
                + "ASSERT to_char(now(), 'TZ') = 'IST' AND now()::text LIKE '%/%'; "
                + inserts + " END $$");
    }

    private final EmbeddedPostgresServer postgres;

    HookKeyFormTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void install() {
        Hooks.install(postgres);
        postgres.execute("""
                DROP TABLE IF EXISTS public.keyform_all, public.keyform_more, public.keyform_wide, public.keyform_edges,
                    public.keyform_refused;
                DROP TYPE IF EXISTS keyform_mood, keyform_pair;
                DROP DOMAIN IF EXISTS keyform_code, keyform_ratio;
                CREATE TYPE keyform_mood AS ENUM ('sad', 'ok');
                CREATE TYPE keyform_pair AS (a int, b int);
                CREATE DOMAIN keyform_code AS text CHECK (VALUE <> '');
                CREATE DOMAIN keyform_ratio AS double precision;
                """);
    }

    /** The key entries of every outbox payload, one payload a line, as jsonb writes them (the hooks write no spaces). */
    private String keysOf() {
        return String.join("\n", Hooks.rows(postgres, "SELECT wail.outbox_payload(o)::jsonb->'k' FROM wail.outbox o ORDER BY id"));
    }

    @Test
    void everyAcceptedTypeIsWrittenInItsCanonicalFormWhateverTheSessionSettings() {
        // Two tables: an intent holds at most 16 key columns (IntentLimits), and there are 19 forms to show.
        postgres.execute("""
                CREATE TABLE public.keyform_all (i2 smallint, i4 integer, i8 bigint, n numeric(6, 2), t text,
                    vc varchar(10), c char(5), u uuid, b boolean, d date,
                    PRIMARY KEY (i2, i4, i8, n, t, vc, c, u, b, d));
                CREATE TABLE public.keyform_more (ts timestamp, tstz timestamptz, tm time, by bytea, ip4 inet,
                    ip6 inet, net cidr, e keyform_mood, dom keyform_code,
                    PRIMARY KEY (ts, tstz, tm, by, ip4, ip6, net, e, dom));
                SELECT wail.capture('public.keyform_all', source => 'shop');
                SELECT wail.capture('public.keyform_more', source => 'shop');
                TRUNCATE wail.outbox;
                """);
        writeInAnOddSession("""
                INSERT INTO keyform_all VALUES (-2, 40000, 9007199254740993, 1.50, 'a "quoted" é', 'v ', 'ab',
                    'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D', true, '2026-01-02');
                INSERT INTO keyform_more VALUES ('2026-01-02 03:04:05.250', '2026-01-02 08:34:05.25+05:30',
                    '03:04:05', decode('DEADbeef', 'hex'), '10.0.0.1/32', '2001:0db8:0:0::1', '10.1.0.0/16', 'ok',
                    'code-1');
                """);

        assertThat(keysOf()).isEqualTo("[[-2, 40000, 9007199254740993, \"1.5\", \"a \\\"quoted\\\" é\", \"v \", "
                + "\"ab\", \"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d\", \"true\", \"2026-01-02\"]]\n"
                + "[[\"2026-01-02T03:04:05.25\", \"2026-01-02T03:04:05.25Z\", \"03:04:05\", \"\\\\xdeadbeef\", "
                + "\"10.0.0.1\", \"2001:db8::1\", \"10.1.0.0/16\", \"ok\", \"code-1\"]]");
        List<Intent> intents = Hooks.outboxIntents(postgres);
        assertThat(intents.get(0).key().values()).containsExactly(-2L, 40000L, 9007199254740993L, "1.5",
                "a \"quoted\" é", "v ", "ab", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "true", "2026-01-02");
        assertThat(intents.get(1).key().values()).containsExactly("2026-01-02T03:04:05.25",
                "2026-01-02T03:04:05.25Z", "03:04:05", "\\xdeadbeef", "10.0.0.1", "2001:db8::1", "10.1.0.0/16", "ok",
                "code-1");
    }

    @Test
    void aKeyOfMoreColumnsThanAnIntentHoldsIsRefusedAtCapture() {
        String columns = java.util.stream.IntStream.rangeClosed(1, 17).mapToObj(i -> "c" + i)
                .collect(java.util.stream.Collectors.joining(", "));
        postgres.execute("CREATE TABLE public.keyform_wide (" + columns.replace(",", " int,") + " int, PRIMARY KEY ("
                + columns + "))");

        assertThatThrownBy(() -> postgres.execute("SELECT wail.capture('public.keyform_wide', source => 'shop')"))
                .hasMessageContaining("table public.keyform_wide has 17 primary key columns; an intent holds at most 16");
    }

    @Test
    void beforeChristFarFutureInfinityAndNumericSpecialsHaveOneFormToo() {
        postgres.execute("""
                CREATE TABLE public.keyform_edges (d date, ts timestamp, tstz timestamptz, n numeric,
                                                   PRIMARY KEY (d, ts, tstz, n));
                SELECT wail.capture('public.keyform_edges', source => 'shop');
                TRUNCATE wail.outbox;
                """);
        writeInAnOddSession("""
                INSERT INTO keyform_edges VALUES
                    ('0044-03-15 BC', '0044-03-15 10:00 BC', '0044-03-15 10:00+00 BC', 'NaN');
                INSERT INTO keyform_edges VALUES ('12345-01-02', '12345-01-02', '12345-01-02 05:30+05:30', 100.000);
                INSERT INTO keyform_edges VALUES ('infinity', '-infinity', '-infinity', 'Infinity');
                INSERT INTO keyform_edges VALUES ('2026-01-02', '2026-01-02 00:00:00.000001',
                                                  '2026-01-02 00:00:00.1-08', -0.0);
                """);

        assertThat(keysOf()).isEqualTo("""
                [["0044-03-15 BC", "0044-03-15T10:00:00 BC", "0044-03-15T10:00:00Z BC", "NaN"]]
                [["12345-01-02", "12345-01-02T00:00:00", "12345-01-02T00:00:00Z", "100"]]
                [["infinity", "-infinity", "-infinity", "Infinity"]]
                [["2026-01-02", "2026-01-02T00:00:00.000001", "2026-01-02T08:00:00.1Z", "0"]]""");
    }

    @Test
    void aDomainOverAnIntegerStaysANumberAndACharKeyLosesItsPadding() {
        postgres.execute("""
                DROP DOMAIN IF EXISTS keyform_id;
                CREATE DOMAIN keyform_id AS bigint;
                CREATE TABLE public.keyform_refused (id keyform_id, code char(8), PRIMARY KEY (id, code));
                SELECT wail.capture('public.keyform_refused', source => 'shop');
                TRUNCATE wail.outbox;
                INSERT INTO keyform_refused VALUES (7, 'ab');
                """);

        assertThat(Hooks.outboxIntents(postgres)).extracting(Intent::key)
                .containsExactly(EntityKey.builder().add("id", 7L).add("code", "ab").build());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            double precision | double precision
            real             | real
            keyform_ratio    | public.keyform_ratio
            time with time zone | time with time zone
            interval         | interval
            money            | money
            jsonb            | jsonb
            integer[]        | integer[]
            int4range        | int4range
            keyform_pair     | public.keyform_pair
            """)
    void captureRefusesAnyOtherKeyTypeNamingTheColumnAndItsType(String type, String shown) {
        postgres.execute("CREATE TABLE public.keyform_refused (id integer, k " + type + ", PRIMARY KEY (id, k))");

        assertThatThrownBy(() -> postgres.execute("SELECT wail.capture('public.keyform_refused', source => 'shop')"))
                .hasMessageContaining("key column k of public.keyform_refused has type " + shown
                        + ", which wail cannot use as a key")
                .hasMessageContaining("a key value must have one canonical text form that the consumer matches by "
                        + "equality");
        assertThat(postgres.queryString("SELECT count(*) FROM pg_trigger "
                + "WHERE tgrelid = 'public.keyform_refused'::regclass")).isEqualTo("0");
    }
}
