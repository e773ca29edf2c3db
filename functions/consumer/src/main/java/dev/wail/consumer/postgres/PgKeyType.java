package dev.wail.consumer.postgres;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The PostgreSQL types wail allows in a primary key, each with its key codec: it validates a key value as the
 * intent carries it (a JSON integer as {@link Long}, anything else as {@link String}) against what a column of the
 * type can hold, and returns the value's canonical form, the one the hook writes (docs/concepts.md, "Key identity"): equal
 * values give equal forms however they were spelled. Domains use their base type's codec; PostgreSQL judges their
 * CHECK constraints, and an enum's labels, when the key is read.
 */
enum PgKeyType {

    SMALLINT {
        @Override
        Object canonical(Object value) {
            return integer(value, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
        }
    },
    INTEGER {
        @Override
        Object canonical(Object value) {
            return integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
        }
    },
    BIGINT {
        @Override
        Object canonical(Object value) {
            return integer(value, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
        }
    },
    /** Trailing fractional zeros removed, no exponent; NaN and the infinities as PostgreSQL prints them. */
    NUMERIC {
        @Override
        Object canonical(Object value) {
            return numeric(value);
        }
    },
    /** text, varchar: the string as is. */
    TEXT {
        @Override
        Object canonical(Object value) {
            return text(value);
        }
    },
    /** char(n): trailing spaces are not significant in PostgreSQL's comparisons, nor here. */
    BPCHAR {
        @Override
        Object canonical(Object value) {
            return text(value).replaceFirst(" +$", "");
        }
    },
    UUID {
        @Override
        Object canonical(Object value) {
            return uuid(string(value, "a uuid"));
        }
    },
    BOOLEAN {
        @Override
        Object canonical(Object value) {
            return bool(value);
        }
    },
    DATE {
        @Override
        Object canonical(Object value) {
            return PgDateTimes.date(string(value, "a date"));
        }
    },
    TIMESTAMP {
        @Override
        Object canonical(Object value) {
            return PgDateTimes.timestamp(string(value, "a timestamp"));
        }
    },
    TIMESTAMPTZ {
        @Override
        Object canonical(Object value) {
            return PgDateTimes.timestamptz(string(value, "a timestamp"));
        }
    },
    TIME {
        @Override
        Object canonical(Object value) {
            return PgDateTimes.time(string(value, "a time"));
        }
    },
    /** {@code \x} and lower-case hex, from the hex or the escape input format. */
    BYTEA {
        @Override
        Object canonical(Object value) {
            return bytea(string(value, "a bytea value"));
        }
    },
    INET {
        @Override
        Object canonical(Object value) {
            return PgInet.inet(string(value, "an inet address"));
        }
    },
    CIDR {
        @Override
        Object canonical(Object value) {
            return PgInet.cidr(string(value, "a cidr network"));
        }
    },
    /** The label as is; whether the enum has it is PostgreSQL's to say (labels can be added at any time). */
    ENUM {
        @Override
        Object canonical(Object value) {
            String label = text(value);
            if (label.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
                throw new IllegalArgumentException(quote(label) + " is longer than an enum label can be ("
                        + MAX_LABEL_BYTES + " bytes)");
            }
            return label;
        }
    };

    /** NAMEDATALEN - 1. */
    private static final int MAX_LABEL_BYTES = 63;
    /** PostgreSQL's numeric limits: digits before and after the decimal point. */
    private static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;
    private static final int NUMERIC_MAX_SCALE = 16_383;
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER_TEXT = Pattern.compile("[+-]?\\d+");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "\\{?[0-9a-fA-F]{4}(-?[0-9a-fA-F]{4}){7}\\}?");

    /** Built-in types by OID (stable across PostgreSQL versions). */
    private static final Map<Long, PgKeyType> BY_OID = Map.ofEntries(
            Map.entry(21L, SMALLINT), Map.entry(23L, INTEGER), Map.entry(20L, BIGINT), Map.entry(1700L, NUMERIC),
            Map.entry(25L, TEXT), Map.entry(1043L, TEXT), Map.entry(1042L, BPCHAR), Map.entry(2950L, UUID),
            Map.entry(16L, BOOLEAN), Map.entry(1082L, DATE), Map.entry(1114L, TIMESTAMP),
            Map.entry(1184L, TIMESTAMPTZ), Map.entry(1083L, TIME), Map.entry(17L, BYTEA), Map.entry(869L, INET),
            Map.entry(650L, CIDR));

    /**
     * @param value a key value as decoded from an intent: {@link Long} or {@link String}
     * @return the canonical value: a {@link Long} for the integer types, a {@link String} otherwise
     * @throws IllegalArgumentException saying why a column of this type cannot hold the value
     */
    abstract Object canonical(Object value);

    /** The text to bind for a canonical value, cast in SQL to the column's type. */
    String bindable(Object canonical) {
        return String.valueOf(canonical);
    }

    /** @return the codec of a base type (a domain's base type), empty for a type wail does not allow in a key */
    static Optional<PgKeyType> of(long baseTypeOid, boolean isEnum) {
        return isEnum ? Optional.of(ENUM) : Optional.ofNullable(BY_OID.get(baseTypeOid));
    }

    private static long integer(Object value, long min, long max, String type) {
        BigInteger number;
        if (value instanceof Long l) {
            number = BigInteger.valueOf(l);
        } else {
            String text = ((String) value).strip();
            if (!INTEGER_TEXT.matcher(text).matches()) {
                throw new IllegalArgumentException(quote(value) + " is not an integer");
            }
            number = new BigInteger(text);
        }
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new IllegalArgumentException(number + " is out of range for " + type);
        }
        return number.longValue();
    }

    private static String numeric(Object value) {
        if (value instanceof Long l) {
            return Long.toString(l);
        }
        String text = ((String) value).strip();
        switch (text.toLowerCase(Locale.ROOT)) {
            case "nan":
                return "NaN";
            case "infinity", "+infinity", "inf", "+inf":
                return "Infinity";
            case "-infinity", "-inf":
                return "-Infinity";
            default:
                break;
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException(quote(value) + " is not a number");
        }
        BigDecimal number;
        try {
            number = new BigDecimal(text).stripTrailingZeros();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(quote(value) + " is not a number PostgreSQL can hold");
        }
        if (number.signum() == 0) {
            return "0";
        }
        if (number.scale() > NUMERIC_MAX_SCALE || number.precision() - number.scale() > NUMERIC_MAX_INTEGER_DIGITS) {
            throw new IllegalArgumentException(quote(value) + " is out of range for numeric (" 
                    + NUMERIC_MAX_INTEGER_DIGITS + " digits before the point, " + NUMERIC_MAX_SCALE + " after)");
        }
        return number.toPlainString();
    }

    /** Text PostgreSQL can store: no NUL character, no unpaired UTF-16 surrogate (not encodable in UTF-8). */
    private static String text(Object value) {
        String text = value instanceof Long l ? Long.toString(l) : (String) value;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                throw new IllegalArgumentException(quote(text) + " contains a NUL character, which PostgreSQL text"
                        + " cannot hold");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(quote(text) + " contains an unpaired UTF-16 surrogate at"
                        + " character " + i + ", which is not a character PostgreSQL can hold");
            }
        }
        return text;
    }

    private static String uuid(String text) {
        if (!UUID_TEXT.matcher(text).matches() || text.startsWith("{") != text.endsWith("}")) {
            throw new IllegalArgumentException(quote(text) + " is not a uuid");
        }
        String hex = text.replace("-", "").replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    /** PostgreSQL's boolin: any prefix of true/false/yes/no, on/off (two letters at least), 1/0; any case. */
    private static String bool(Object value) {
        if (value instanceof Long l && (l == 0 || l == 1)) {
            return l == 1 ? "true" : "false";
        }
        String text = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        if (!text.isEmpty()) {
            if ("true".startsWith(text) || "yes".startsWith(text) || text.equals("1") || text.equals("on")) {
                return "true";
            }
            if ("false".startsWith(text) || "no".startsWith(text) || text.equals("0")
                    || (text.length() >= 2 && "off".startsWith(text))) {
                return "false";
            }
        }
        throw new IllegalArgumentException(quote(value) + " is not a boolean");
    }

    /** byteain: {@code \x} then hex digit pairs (whitespace between pairs allowed), else the escape format. */
    private static String bytea(String text) {
        byte[] bytes;
        if (text.startsWith("\\x")) {
            String hex = text.substring(2).replaceAll("[ \\t\\n\\r]", "");
            if (hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException(quote(text) + " is not a bytea value (\\x and pairs of hex"
                        + " digits)");
            }
            bytes = HexFormat.of().parseHex(hex);
        } else {
            bytes = escaped(text);
        }
        return "\\x" + HexFormat.of().formatHex(bytes);
    }

    private static byte[] escaped(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        byte[] utf8 = text(text).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] != '\\') {
                out.write(utf8[i]);
            } else if (i + 1 < utf8.length && utf8[i + 1] == '\\') {
                out.write('\\');
                i++;
            } else if (i + 3 < utf8.length && isOctal(utf8[i + 1], '3') && isOctal(utf8[i + 2], '7')
                    && isOctal(utf8[i + 3], '7')) {
                out.write((utf8[i + 1] - '0') * 64 + (utf8[i + 2] - '0') * 8 + (utf8[i + 3] - '0'));
                i += 3;
            } else {
                throw new IllegalArgumentException(quote(text) + " is not a bytea value (a backslash must start"
                        + " \\\\, \\ooo octal or, first, \\x hex)");
            }
        }
        return out.toByteArray();
    }

    private static boolean isOctal(byte b, char max) {
        return b >= '0' && b <= max;
    }

    private static String string(Object value, String what) {
        if (value instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException("the integer " + value + " is not " + what + " (send a string)");
    }

    /** A value for a message: quoted, shortened, with control characters escaped. */
    static String quote(Object value) {
        String text = String.valueOf(value);
        StringBuilder quoted = new StringBuilder("'");
        text.codePoints().limit(60).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff)) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append(text.codePointCount(0, text.length()) > 60 ? "...'" : "'").toString();
    }
}
