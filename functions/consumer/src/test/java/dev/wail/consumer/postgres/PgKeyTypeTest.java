package dev.wail.consumer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Each key type's codec: spellings of one value that must meet in one canonical form (the forms in hooks.sql's header), and values a
 * column of the type cannot hold, refused with the reason. {@code PgKeyCodecDriftTest} compares the forms with
 * PostgreSQL's own output for many generated values.
 */
class PgKeyTypeTest {

    private static void canonical(SoftAssertions softly, PgKeyType type, Object expected, Object... spellings) {
        for (Object spelling : spellings) {
            softly.assertThat(type.canonical(spelling)).as("%s %s", type, spelling).isEqualTo(expected);
        }
    }

    private static void refused(SoftAssertions softly, PgKeyType type, Object value, String reason) {
        softly.assertThatThrownBy(() -> type.canonical(value)).as("%s %s", type, value)
                .isInstanceOf(IllegalArgumentException.class).hasMessage(reason);
    }

    @Test
    void integersAreLongsWithinTheirColumnsRange() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.BIGINT, 42L, 42L, "42", " +42 ", "0042");
        canonical(softly, PgKeyType.SMALLINT, -32768L, -32768L, "-32768");
        canonical(softly, PgKeyType.BIGINT, Long.MIN_VALUE, Long.MIN_VALUE, "-9223372036854775808");
        refused(softly, PgKeyType.SMALLINT, 32768L, "32768 is out of range for smallint");
        refused(softly, PgKeyType.INTEGER, "2147483648", "2147483648 is out of range for integer");
        refused(softly, PgKeyType.BIGINT, "9223372036854775808", "9223372036854775808 is out of range for bigint");
        refused(softly, PgKeyType.BIGINT, "7' OR '1'='1", "'7' OR '1'='1' is not an integer");
        refused(softly, PgKeyType.INTEGER, "1.0", "'1.0' is not an integer");
        softly.assertAll();
    }

    @Test
    void numericsLoseTrailingZerosAndExponents() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.NUMERIC, "1.5", "1.50", "1.5", "+1.500", "15e-1", " 0.15E1 ");
        canonical(softly, PgKeyType.NUMERIC, "100", 100L, "100", "100.000", "1e2", "1E+2");
        canonical(softly, PgKeyType.NUMERIC, "0", "0", "-0", "0.000", "0e10", 0L);
        canonical(softly, PgKeyType.NUMERIC, "-0.001", "-.001", "-1e-3");
        canonical(softly, PgKeyType.NUMERIC, "NaN", "NaN", "nan", " NAN ");
        canonical(softly, PgKeyType.NUMERIC, "Infinity", "Infinity", "inf", "+infinity");
        canonical(softly, PgKeyType.NUMERIC, "-Infinity", "-Infinity", "-inf");
        refused(softly, PgKeyType.NUMERIC, "1,5", "'1,5' is not a number");
        refused(softly, PgKeyType.NUMERIC, "1e200000", "'1e200000' is out of range for numeric (131072 digits before"
                + " the point, 16383 after)");
        refused(softly, PgKeyType.NUMERIC, "1e-20000", "'1e-20000' is out of range for numeric (131072 digits before"
                + " the point, 16383 after)");
        softly.assertAll();
    }

    @Test
    void textIsAsIsCharDropsTrailingSpacesAndNeitherHoldsNulOrLoneSurrogates() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.TEXT, "ab  ", "ab  ");
        canonical(softly, PgKeyType.TEXT, "42", 42L);
        canonical(softly, PgKeyType.TEXT, "\uD83D\uDE00", "\uD83D\uDE00");
        canonical(softly, PgKeyType.BPCHAR, "ab", "ab", "ab   ");
        canonical(softly, PgKeyType.BPCHAR, "  ab", "  ab ");
        canonical(softly, PgKeyType.BPCHAR, "", "   ");
        refused(softly, PgKeyType.TEXT, "a\u0000b", "'a\\u0000b' contains a NUL character, which PostgreSQL text"
                + " cannot hold");
        refused(softly, PgKeyType.BPCHAR, "a\uD800", "'a\\ud800' contains an unpaired UTF-16 surrogate at character 1,"
                + " which is not a character PostgreSQL can hold");
        refused(softly, PgKeyType.ENUM, "x".repeat(64), "'" + "x".repeat(60) + "...' is longer than an enum label can"
                + " be (63 bytes)");
        canonical(softly, PgKeyType.ENUM, "Shipped", "Shipped");
        softly.assertAll();
    }

    @Test
    void uuidsAreLowerCaseWithHyphensInTheirPlaces() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}",
                "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11");
        refused(softly, PgKeyType.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'"
                + " is not a uuid");
        refused(softly, PgKeyType.UUID, " a0eebc999c0b4ef8bb6d6bb9bd380a11", "' a0eebc999c0b4ef8bb6d6bb9bd380a11' is"
                + " not a uuid");
        refused(softly, PgKeyType.UUID, "{a0eebc999c0b4ef8bb6d6bb9bd380a11", "'{a0eebc999c0b4ef8bb6d6bb9bd380a11' is"
                + " not a uuid");
        refused(softly, PgKeyType.UUID, 7L, "the integer 7 is not a uuid (send a string)");
        softly.assertAll();
    }

    @Test
    void booleansAreTrueOrFalseFromEverySpellingPostgresqlAccepts() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.BOOLEAN, "true", "t", "true", "TRUE", "tr", "y", "yes", "on", "1", 1L, " t ");
        canonical(softly, PgKeyType.BOOLEAN, "false", "f", "false", "n", "no", "of", "off", "0", 0L);
        refused(softly, PgKeyType.BOOLEAN, "o", "'o' is not a boolean");
        refused(softly, PgKeyType.BOOLEAN, "truth", "'truth' is not a boolean");
        refused(softly, PgKeyType.BOOLEAN, 2L, "'2' is not a boolean");
        softly.assertAll();
    }

    @Test
    void datesAndTimesTakeToJsonsFormWhateverTheSpelling() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.DATE, "2026-01-02", "2026-01-02", "2026-1-2", " 2026-01-02 ", "2026-01-02 AD");
        canonical(softly, PgKeyType.DATE, "0044-03-15 BC", "0044-03-15 BC", "0044-3-15 bc");
        canonical(softly, PgKeyType.DATE, "12345-01-02", "12345-01-02");
        canonical(softly, PgKeyType.DATE, "infinity", "infinity", "+Infinity");
        canonical(softly, PgKeyType.DATE, "4714-11-24 BC", "4714-11-24 BC");
        refused(softly, PgKeyType.DATE, "4714-11-23 BC", "'4714-11-23 BC' is out of range for date (4714-11-24 BC to"
                + " 5874897-12-31)");
        refused(softly, PgKeyType.DATE, "5874898-01-01", "'5874898-01-01' is out of range for date (4714-11-24 BC to"
                + " 5874897-12-31)");
        refused(softly, PgKeyType.DATE, "2026-02-30", "'2026-02-30' is not a date: Invalid date 'FEBRUARY 30'");
        refused(softly, PgKeyType.DATE, "0000-01-01", "'0000-01-01' is not a date: there is no year 0");
        refused(softly, PgKeyType.DATE, "01/02/2026", "'01/02/2026' is not a date");
        refused(softly, PgKeyType.DATE, "today", "'today' is not a date");

        canonical(softly, PgKeyType.TIMESTAMP, "2026-01-02T03:04:05", "2026-01-02T03:04:05", "2026-01-02 03:04:05",
                "2026-01-02 03:04:05.000", "2026-01-02T03:04:05+02", "2026-1-2 3:04:05");
        canonical(softly, PgKeyType.TIMESTAMP, "2026-01-02T03:04:00", "2026-01-02 03:04");
        canonical(softly, PgKeyType.TIMESTAMP, "2026-01-02T00:00:00", "2026-01-02", "2026-01-01 24:00:00",
                "2026-01-01 23:59:60");
        canonical(softly, PgKeyType.TIMESTAMP, "2026-01-02T03:04:05.25", "2026-01-02 03:04:05.250000");
        canonical(softly, PgKeyType.TIMESTAMP, "2026-01-02T03:04:05.123457", "2026-01-02 03:04:05.1234567");
        canonical(softly, PgKeyType.TIMESTAMP, "2026-01-02T03:04:05", "2026-01-02 03:04:05.0000005");
        canonical(softly, PgKeyType.TIMESTAMP, "0044-03-15T03:04:05.5 BC", "0044-03-15 03:04:05.5 BC");
        canonical(softly, PgKeyType.TIMESTAMP, "-infinity", "-infinity");

        canonical(softly, PgKeyType.TIMESTAMPTZ, "2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z",
                "2026-01-02 03:04:05+00", "2026-01-02T03:04:05+00:00", "2026-01-02T05:04:05+02:00",
                "2026-01-02 08:34:05 +0530", "2026-01-01T22:04:05-05", "2026-01-02t03:04:05z");
        canonical(softly, PgKeyType.TIMESTAMPTZ, "2026-01-02T03:04:05.25Z", "2026-01-02T04:04:05.250+01");
        canonical(softly, PgKeyType.TIMESTAMPTZ, "0044-03-15T03:04:05.5Z BC", "0044-03-15T03:04:05.5 BCZ",
                "0044-03-15T03:04:05.5Z BC", "0044-03-15 05:04:05.5+02 BC");
        canonical(softly, PgKeyType.TIMESTAMPTZ, "infinity", "infinity");
        refused(softly, PgKeyType.TIMESTAMPTZ, "2026-01-02 03:04:05", "'2026-01-02 03:04:05' has no offset: a"
                + " timestamptz key needs one (Z or +hh:mm), or its meaning would depend on the session's TimeZone");
        refused(softly, PgKeyType.TIMESTAMPTZ, "2026-01-02 03:04:05 Europe/Paris", "'2026-01-02 03:04:05"
                + " Europe/Paris' is not a timestamp");
        refused(softly, PgKeyType.TIMESTAMPTZ, "294277-01-01 00:00:00Z", "'294277-01-01 00:00:00Z' is out of range"
                + " for a timestamp (4714-11-24 BC to 294276-12-31 23:59:59.999999)");
        refused(softly, PgKeyType.TIMESTAMP, "2026-01-02 25:00:00", "'2026-01-02 25:00:00' is not a timestamp: field"
                + " out of range");

        canonical(softly, PgKeyType.TIME, "03:04:05", "03:04:05", "3:04:05", "03:04:05.000", "03:04:05+02");
        canonical(softly, PgKeyType.TIME, "03:04:05.12", "03:04:05.120");
        canonical(softly, PgKeyType.TIME, "24:00:00", "24:00:00", "23:59:60");
        canonical(softly, PgKeyType.TIME, "03:04:00", "03:04");
        refused(softly, PgKeyType.TIME, "24:00:01", "'24:00:01' is not a time: field out of range");
        softly.assertAll();
    }

    @Test
    void byteaIsLowerCaseHexFromEitherInputFormat() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.BYTEA, "\\x0aff", "\\x0aff", "\\x0AFF", "\\x0a ff", "\\012\\377");
        canonical(softly, PgKeyType.BYTEA, "\\x615c", "a\\\\");
        canonical(softly, PgKeyType.BYTEA, "\\x", "\\x", "");
        refused(softly, PgKeyType.BYTEA, "\\x0a0", "'\\x0a0' is not a bytea value (\\x and pairs of hex digits)");
        refused(softly, PgKeyType.BYTEA, "\\xzz", "'\\xzz' is not a bytea value (\\x and pairs of hex digits)");
        refused(softly, PgKeyType.BYTEA, "a\\9", "'a\\9' is not a bytea value (a backslash must start \\\\, \\ooo"
                + " octal or, first, \\x hex)");
        softly.assertAll();
    }

    @Test
    void inetAndCidrArePrintedAsPostgresqlPrintsThem() {
        SoftAssertions softly = new SoftAssertions();
        canonical(softly, PgKeyType.INET, "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:0db8::0001", "2001:db8::1/128");
        canonical(softly, PgKeyType.INET, "2001:db8::1/64", "2001:db8:0000:0000:0000:0000:0000:0001/64");
        canonical(softly, PgKeyType.INET, "1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7");
        canonical(softly, PgKeyType.INET, "::ffff:1.2.3.4", "::ffff:1.2.3.4", "0:0:0:0:0:ffff:102:304");
        canonical(softly, PgKeyType.INET, "::0.2.0.3", "::2:3");
        canonical(softly, PgKeyType.INET, "::", "::", "0:0:0:0:0:0:0:0");
        canonical(softly, PgKeyType.INET, "192.168.1.5/24", "192.168.1.5/24");
        canonical(softly, PgKeyType.INET, "10.0.0.1", "10.0.0.1/32", "010.0.0.1");
        canonical(softly, PgKeyType.CIDR, "10.0.0.0/8", "10.0.0.0/8");
        canonical(softly, PgKeyType.CIDR, "1.2.3.4/32", "1.2.3.4");
        canonical(softly, PgKeyType.CIDR, "2001:db8::/32", "2001:DB8:0::/32");
        refused(softly, PgKeyType.CIDR, "10.0.0.1/8", "'10.0.0.1/8' is not a cidr network: it has bits set to the"
                + " right of its mask /8");
        refused(softly, PgKeyType.INET, "1.2.3.4/33", "'1.2.3.4/33' is not an inet address: /33 is more than 32 bits");
        refused(softly, PgKeyType.INET, "1.2.3.256", "'1.2.3.256' is not an inet address");
        refused(softly, PgKeyType.INET, "1::2::3", "'1::2::3' is not an inet address");
        refused(softly, PgKeyType.INET, " 1.2.3.4", "' 1.2.3.4' is not an inet address");
        softly.assertAll();
    }

    @Test
    void onlyTheTypesOfKeyFormsHaveACodec() {
        assertThat(PgKeyType.of(700, false)).isEmpty(); // real
        assertThat(PgKeyType.of(1266, false)).isEmpty(); // timetz
        assertThat(PgKeyType.of(3802, false)).isEmpty(); // jsonb
        assertThat(PgKeyType.of(1043, false)).contains(PgKeyType.TEXT); // varchar
        assertThat(PgKeyType.of(99999, true)).contains(PgKeyType.ENUM);
        assertThatThrownBy(() -> PgKeyType.TEXT.canonical("\u0000")).hasMessageContaining("NUL");
    }
}
