package dev.wail.consumer.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.testing.RealServices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The codecs cannot drift from PostgreSQL: for each key type, many generated values, each spelled in some other way
 * PostgreSQL accepts (upper-case hex, uncompressed IPv6, offsets, exponents, extra fraction digits, padding), must
 * come out of the codec exactly as the hook prints the value PostgreSQL read from that spelling: the expression is
 * the one the shipped hooks.sql generates for the type ({@code wail.key_expression}), so neither side can change
 * alone. The session runs in an odd time zone and DateStyle to show the forms do not depend on them.
 */
@RealServices
class PgKeyCodecDriftTest {

    private static final int VALUES = 400;

    private final EmbeddedPostgresServer postgres;
    private final Random random = new Random(20261203);

    PgKeyCodecDriftTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void installHooks() {
        postgres.execute(TestData.resource("/wail/hooks.sql"));
    }

    @Test
    void everyCodecPrintsWhatTheHooksExpressionPrints() throws SQLException {
        SoftAssertions softly = new SoftAssertions();
        try (Connection connection = postgres.dataSource().getConnection()) {
            try (Statement session = connection.createStatement()) {
                session.execute("SET TimeZone = 'Asia/Kathmandu'; SET DateStyle = 'ISO, DMY';"
                        + " SET extra_float_digits = 0; SET bytea_output = 'escape'");
            }
            compare(softly, connection, PgKeyType.BIGINT, "bigint", this::integer);
            compare(softly, connection, PgKeyType.NUMERIC, "numeric", this::numeric);
            compare(softly, connection, PgKeyType.TEXT, "text", this::text);
            compare(softly, connection, PgKeyType.BPCHAR, "bpchar", () -> text() + " ".repeat(random.nextInt(3)));
            compare(softly, connection, PgKeyType.UUID, "uuid", this::uuid);
            compare(softly, connection, PgKeyType.BOOLEAN, "boolean", this::bool);
            compare(softly, connection, PgKeyType.DATE, "date", this::date);
            compare(softly, connection, PgKeyType.TIMESTAMP, "timestamp", this::timestamp);
            compare(softly, connection, PgKeyType.TIMESTAMPTZ, "timestamptz", this::timestamptz);
            compare(softly, connection, PgKeyType.TIME, "time", this::time);
            compare(softly, connection, PgKeyType.BYTEA, "bytea", this::bytea);
            compare(softly, connection, PgKeyType.INET, "inet", () -> address(false));
            compare(softly, connection, PgKeyType.CIDR, "cidr", () -> address(true));
        }
        softly.assertAll();
    }

    @Test
    void whatTheCodecsRefusePostgresqlRefusesToo() throws SQLException {
        String[][] refused = {
            {"smallint", "32768"}, {"integer", "-2147483649"}, {"bigint", "9223372036854775808"}, {"bigint", "1.5"},
            {"numeric", "1e200000"}, {"numeric", "1,5"}, {"text", "a\u0000b"}, {"uuid", "a0eebc99-9c0b"},
            {"uuid", "{a0eebc999c0b4ef8bb6d6bb9bd380a11"}, {"boolean", "o"}, {"boolean", "truth"},
            {"date", "4714-11-23 BC"}, {"date", "5874898-01-01"}, {"date", "2026-02-30"}, {"date", "0000-01-01"},
            {"timestamp", "294277-01-01 00:00:00"}, {"timestamp", "2026-01-02 25:00:00"},
            {"timestamptz", "294277-01-01 00:00:00Z"}, {"time", "24:00:01"}, {"bytea", "\\x0a0"},
            {"bytea", "a\\9"}, {"inet", "1.2.3.4/33"}, {"inet", "1.2.3.256"}, {"inet", "1::2::3"},
            {"cidr", "10.0.0.1/8"},
        };
        List<String> acceptedByPostgresql = new ArrayList<>();
        try (Connection connection = postgres.dataSource().getConnection()) {
            for (String[] value : refused) {
                PgKeyType type = switch (value[0]) {
                    case "smallint" -> PgKeyType.SMALLINT;
                    case "integer" -> PgKeyType.INTEGER;
                    case "bigint" -> PgKeyType.BIGINT;
                    default -> PgKeyType.valueOf(value[0].toUpperCase(Locale.ROOT));
                };
                boolean codecRefuses;
                try {
                    type.canonical(value[1]);
                    codecRefuses = false;
                } catch (IllegalArgumentException expected) {
                    codecRefuses = true;
                }
                assertThat(codecRefuses).as("the codec refuses %s %s", value[0], value[1]).isTrue();
                try (PreparedStatement cast = connection.prepareStatement("SELECT ?::" + value[0])) {
                    cast.setString(1, value[1]);
                    cast.executeQuery().close();
                    acceptedByPostgresql.add(value[0] + " " + value[1]);
                } catch (SQLException expected) {
                    // refused, as it should be (a NUL is refused by the driver itself, before PostgreSQL)
                } catch (IllegalArgumentException nul) {
                    assertThat(value[1]).contains("\u0000");
                }
            }
        }
        assertThat(acceptedByPostgresql).isEmpty();
    }

    /** Spellings of {@code sqlType} values, printed by the hook's expression for the type and by the codec. */
    private void compare(SoftAssertions softly, Connection connection, PgKeyType type, String sqlType,
            Supplier<String> spellings) throws SQLException {
        String hookExpression = postgres.queryString("SELECT wail.key_expression('v', '" + sqlType + "'::regtype)");
        List<String> values = new ArrayList<>();
        for (int i = 0; i < VALUES; i++) {
            values.add(spellings.get());
        }
        List<String> byPostgresql = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT t, pg_catalog.to_json(" + hookExpression
                + ") #>> '{}' FROM (SELECT t, t::" + sqlType + " AS v, n FROM unnest(?::text[]) WITH ORDINALITY s(t, n)) s"
                + " ORDER BY n")) {
            query.setArray(1, connection.createArrayOf("text", values.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byPostgresql.add(rows.getString(1) + " -> " + rows.getString(2));
                }
            }
        }
        List<String> byCodec = values.stream().map(v -> v + " -> " + type.canonical(v)).toList();
        softly.assertThat(byCodec).as(type.name()).containsExactlyElementsOf(byPostgresql);
    }

    private String integer() {
        long value = random.nextBoolean() ? random.nextLong() : random.nextInt(1000) - 500;
        String digits = Long.toString(Math.abs(value));
        String sign = value < 0 ? "-" : random.nextBoolean() ? "+" : "";
        return " ".repeat(random.nextInt(2)) + sign + "0".repeat(random.nextInt(3)) + digits;
    }

    private String numeric() {
        return switch (random.nextInt(10)) {
            case 0 -> List.of("NaN", "nan", "Infinity", "-inf", "+infinity", "0", "-0.000", "0e5").get(
                    random.nextInt(8));
            default -> {
                BigDecimal value = new BigDecimal(new BigInteger(random.nextInt(120) + 1, random)
                        .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)), random.nextInt(60) - 20);
                yield switch (random.nextInt(3)) {
                    case 0 -> value.toString(); // may be in exponent form
                    case 1 -> value.toPlainString() + (value.scale() > 0 ? "0".repeat(random.nextInt(4)) : "");
                    default -> value.toEngineeringString();
                };
            }
        };
    }

    private String text() {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            int c = switch (random.nextInt(4)) {
                case 0 -> 0x20 + random.nextInt(0x5f);
                case 1 -> 0xa0 + random.nextInt(0x2000);
                case 2 -> 0x1f600 + random.nextInt(80); // outside the BMP: a surrogate pair in Java
                default -> 1 + random.nextInt(0x1f); // control characters other than NUL
            };
            text.appendCodePoint(c);
        }
        return text.toString();
    }

    private String uuid() {
        String hex = HexFormat.of().formatHex(randomBytes(16));
        String dashed = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
        return switch (random.nextInt(4)) {
            case 0 -> dashed.toUpperCase(Locale.ROOT);
            case 1 -> "{" + dashed + "}";
            case 2 -> hex;
            default -> dashed;
        };
    }

    private String bool() {
        return List.of("t", "TRUE", "tr", "y", "Yes", "on", "1", "f", "False", "n", "NO", "of", "OFF", "0", " t ")
                .get(random.nextInt(15));
    }

    private String date() {
        LocalDate first = LocalDate.of(-4713, 11, 24);
        LocalDate value = first.plusDays((long) (random.nextDouble() * (random.nextBoolean() ? 5_000_000 : 2_147_000_000L)));
        return spellDate(value) + (value.getYear() <= 0 ? " BC" : random.nextBoolean() ? " AD" : "");
    }

    private String spellDate(LocalDate value) {
        int year = value.getYear() > 0 ? value.getYear() : 1 - value.getYear();
        return String.format(Locale.ROOT, "%04d-%s-%s", year, pad(value.getMonthValue()), pad(value.getDayOfMonth()));
    }

    private String pad(int number) {
        return random.nextBoolean() ? Integer.toString(number) : String.format(Locale.ROOT, "%02d", number);
    }

    private String fraction() {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> "." + String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000)) + "0".repeat(random.nextInt(3));
            default -> "." + String.valueOf(random.nextLong() & Long.MAX_VALUE).substring(0, 1 + random.nextInt(9));
        };
    }

    private String timeOfDay() {
        return pad(random.nextInt(24)) + ":" + String.format(Locale.ROOT, "%02d:%02d", random.nextInt(60),
                random.nextInt(60)) + fraction();
    }

    private LocalDateTime someDateTime() {
        long days = (long) (random.nextDouble() * (random.nextInt(4) == 0 ? 100_000_000L : 3_000_000L));
        return LocalDate.of(-4700, 1, 1).plusDays(days).atStartOfDay();
    }

    private String timestamp() {
        LocalDate day = someDateTime().toLocalDate();
        return spellDate(day) + (random.nextBoolean() ? "T" : " ") + timeOfDay() + (day.getYear() <= 0 ? " BC" : "");
    }

    private String timestamptz() {
        LocalDate day = someDateTime().toLocalDate();
        int minutes = random.nextInt(15 * 60 * 2 + 1) - 15 * 60;
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(minutes * 60);
        String zone = switch (random.nextInt(4)) {
            case 0 -> minutes == 0 ? "Z" : offset.getId();
            case 1 -> offset.getId().equals("Z") ? "+00:00" : offset.getId();
            case 2 -> (offset.getId().equals("Z") ? "+00:00" : offset.getId()).replace(":", "");
            default -> " " + (offset.getId().equals("Z") ? "+00" : offset.getId());
        };
        return spellDate(day) + (random.nextBoolean() ? "T" : " ") + timeOfDay() + zone
                + (day.getYear() <= 0 ? " BC" : "");
    }

    private String time() {
        return random.nextInt(50) == 0 ? "24:00:00" : timeOfDay();
    }

    private String bytea() {
        byte[] bytes = randomBytes(random.nextInt(12));
        String hex = HexFormat.of().formatHex(bytes);
        return "\\x" + (random.nextBoolean() ? hex.toUpperCase(Locale.ROOT) : hex);
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Addresses with runs of zero words, mapped and compatible IPv4, spelled long and in mixed case. */
    private String address(boolean cidr) {
        boolean v4 = random.nextInt(4) == 0;
        byte[] bytes = randomBytes(v4 ? 4 : 16);
        if (!v4) {
            for (int word = 0; word < 8; word++) {
                if (random.nextInt(3) > 0) {
                    bytes[2 * word] = 0;
                    bytes[2 * word + 1] = 0;
                }
            }
            if (random.nextInt(6) == 0) {
                bytes[10] = (byte) 0xff;
                bytes[11] = (byte) 0xff;
            }
        }
        int max = bytes.length * 8;
        int bits = random.nextBoolean() ? max : random.nextInt(max + 1);
        if (cidr) {
            for (int bit = bits; bit < max; bit++) {
                bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
        }
        StringBuilder text = new StringBuilder();
        if (v4) {
            for (int i = 0; i < 4; i++) {
                text.append(i > 0 ? "." : "").append(bytes[i] & 0xff);
            }
        } else {
            for (int word = 0; word < 8; word++) {
                String hex = String.format(Locale.ROOT, random.nextBoolean() ? "%04X" : "%x",
                        (bytes[2 * word] & 0xff) << 8 | (bytes[2 * word + 1] & 0xff));
                text.append(word > 0 ? ":" : "").append(hex);
            }
        }
        return text + (bits == max && random.nextBoolean() ? "" : "/" + bits);
    }
}
