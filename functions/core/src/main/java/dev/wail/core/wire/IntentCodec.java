package dev.wail.core.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.wail.core.intent.Entity;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.IntentLimitException;
import dev.wail.core.intent.IntentLimits;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The intent wire format, version {@value #FORMAT_VERSION}: one compact JSON object per intent, documented by
 * {@code intent-v1.schema.json} next to this class.
 *
 * <pre>{"v":1,"s":"shop","t":"orders","k":{"id":42},"o":"u","x":752345,"l":439041101,"c":1764032400123}</pre>
 *
 * <p>An intent from a hook that knows the table's capture version carries it as {@code "cv"}, right after {@code t}:
 * {@code {"v":1,"s":"shop","t":"orders","cv":3,"k":...}}; without one the field is absent, so the bytes (and the id) of
 * an intent without a capture version are what they always were.
 *
 * <p>A message body holds either one such object or a JSON array of them (several intents packed in one message).
 * Encoding is canonical: the same intent always gives the same bytes, which is what {@link #idOf} hashes. Decoding
 * is strict: unknown fields, duplicate fields, wrong types, unknown format versions and values outside
 * {@link IntentLimits} are rejected with an {@link IntentFormatException} naming the field; a writer checks an intent
 * with {@link #requireWithinLimits} before appending it, and so never sends what a reader would reject. Instances are
 * immutable and thread-safe.
 */
public final class IntentCodec {

    public static final int FORMAT_VERSION = 1;
    /** Largest single encoded intent accepted: {@link IntentLimits#MAX_INTENT_BYTES}. */
    public static final int MAX_INTENT_BYTES = IntentLimits.MAX_INTENT_BYTES;
    /** Largest message body accepted: the SQS message size limit. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int MAX_SEQUENCE_DIGITS = IntentLimits.MAX_SEQUENCE_DIGITS;

    public static final IntentCodec DEFAULT = new IntentCodec();

    /** Leading SHA-256 bytes in an intent id: 96 bits, 16 base64 characters. */
    private static final int ID_DIGEST_BYTES = 12;

    private final JsonFactory json = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(4)
                    .maxNumberLength(MAX_SEQUENCE_DIGITS)
                    // No string of a valid intent can be longer than the intent itself.
                    .maxStringLength(MAX_INTENT_BYTES)
                    .build())
            .build();

    /** Encodes one intent to its canonical compact JSON bytes (UTF-8). */
    public byte[] encode(Intent intent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator gen = json.createGenerator(out)) {
            write(gen, intent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String encodeToString(Intent intent) {
        return new String(encode(intent), StandardCharsets.UTF_8);
    }

    /** Encodes several intents as one JSON array, the packed form of a message body. */
    public String encodeAll(List<Intent> intents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 * intents.size());
        try (JsonGenerator gen = json.createGenerator(out)) {
            gen.writeStartArray();
            for (Intent intent : intents) {
                write(gen, intent);
            }
            gen.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Refuses an intent that {@link #decode} would refuse once encoded: a field outside {@link IntentLimits}, or an
     * encoding longer than {@link IntentLimits#MAX_INTENT_BYTES}. Whatever passes encodes and decodes back to an equal
     * intent.
     *
     * @throws IntentFormatException naming the field (in wire notation: {@code s}, {@code k.id}, {@code $} for the
     *                               size) and the limit
     */
    public void requireWithinLimits(Intent intent) {
        try {
            IntentLimits.requireFields(intent);
            if (sizeBound(intent) > MAX_INTENT_BYTES) {
                IntentLimits.requireEncodedSize("$", "the encoded intent", encode(intent).length);
            }
        } catch (IntentLimitException e) {
            throw new IntentFormatException(e.field(), e.problem());
        }
    }

    /** Field names, punctuation and numbers of the longest intent with empty strings, with room to spare. */
    private static final int FIXED_BYTES_BOUND = 256;
    /** Per key column: quotes, colon, comma and a 20-character number or two quotes. */
    private static final int COLUMN_BYTES_BOUND = 32;
    /** The most bytes one UTF-16 code unit takes once encoded: the six-byte escape of a control character. */
    private static final int UNIT_BYTES_BOUND = 6;

    /**
     * An upper bound of an intent's encoded size, without encoding it, so that the common small intent needs no second
     * encoding to be checked; only an intent whose bound passes the limit is measured exactly.
     */
    private static long sizeBound(Intent intent) {
        long units = intent.source().length() + intent.table().length();
        EntityKey key = intent.key();
        for (int i = 0; i < key.size(); i++) {
            units += key.columns().get(i).length();
            if (key.value(i) instanceof String text) {
                units += text.length();
            }
        }
        return FIXED_BYTES_BOUND + (long) COLUMN_BYTES_BOUND * key.size() + UNIT_BYTES_BOUND * units;
    }

    /** Decodes exactly one intent object. */
    public Intent decode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        checkSize(bytes.length, MAX_INTENT_BYTES, "an intent");
        try (JsonParser parser = json.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IntentFormatException("$", "expected a JSON object, got " + describe(parser));
            }
            return readSingle(parser);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a message body: one intent object, or a JSON array of them. */
    public List<Intent> decodeAll(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        checkSize(bytes.length, MAX_BODY_BYTES, "a message body");
        try (JsonParser parser = json.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                checkSize(bytes.length, MAX_INTENT_BYTES, "an intent");
                return List.of(readSingle(parser));
            }
            if (first != JsonToken.START_ARRAY) {
                throw new IntentFormatException("$", "expected an intent object or an array of them, got "
                        + describe(parser));
            }
            List<Intent> intents = new ArrayList<>();
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new IntentFormatException("[" + intents.size() + "]",
                            "expected an intent object, got " + describe(parser));
                }
                long start = parser.currentTokenLocation().getByteOffset();
                intents.add(readElement(parser, intents.size()));
                long size = parser.currentLocation().getByteOffset() - start;
                checkSize(size, MAX_INTENT_BYTES, "intent [" + intents.size() + "]");
            }
            if (parser.nextToken() != null) {
                throw new IntentFormatException("$", "unexpected content after the intent array");
            }
            if (intents.isEmpty()) {
                throw new IntentFormatException("$", "the intent array is empty");
            }
            return intents;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The content-derived id of an intent (16 URL-safe base64 characters): SHA-256 of its canonical encoding, first 96
     * bits. A hook that reports the same change twice produces the same id, so SQS FIFO deduplication and logs
     * recognise it; it is not sent on the wire because it is derivable. It is the wire's, not the model's: it hashes
     * the encoding. Each call encodes and hashes; a caller that holds the encoding uses {@link #idOfEncoded}.
     */
    public static String idOf(Intent intent) {
        return ContentId.of(DEFAULT.encode(intent), ID_DIGEST_BYTES);
    }

    /** {@link #idOf} of the intent whose encoding {@code encoded} is (as {@link #encodeToString} gave it), without a decode. */
    public static String idOfEncoded(String encoded) {
        return ContentId.of(encoded, ID_DIGEST_BYTES);
    }

    /**
     * A short, stable identifier of an entity (source, table, key) for places that need one string per entity with a
     * restricted alphabet and length: the SQS FIFO message group id, the Kinesis partition key. URL-safe base64 of the
     * first 128 bits of SHA-256 over the entity's canonical JSON.
     */
    public static String entityId(Entity entity) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator gen = DEFAULT.json.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("s", entity.source());
            gen.writeStringField("t", entity.table());
            gen.writeFieldName("k");
            writeKey(gen, entity.key());
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ContentId.of(out.toByteArray(), 16);
    }

    private static void writeKey(JsonGenerator gen, EntityKey key) throws IOException {
        gen.writeStartObject();
        for (int i = 0; i < key.size(); i++) {
            gen.writeFieldName(key.columns().get(i));
            Object value = key.value(i);
            if (value instanceof Long number) {
                gen.writeNumber(number);
            } else {
                gen.writeString((String) value);
            }
        }
        gen.writeEndObject();
    }

    private Intent readSingle(JsonParser parser) throws IOException {
        Intent intent = new IntentReader(parser).read();
        if (parser.nextToken() != null) {
            throw new IntentFormatException("$", "unexpected content after the intent object");
        }
        return intent;
    }

    private static Intent readElement(JsonParser parser, int index) throws IOException {
        try {
            return new IntentReader(parser).read();
        } catch (IntentFormatException e) {
            throw new IntentFormatException("[" + index + "]." + e.field(), e.getMessage());
        }
    }

    private static void write(JsonGenerator gen, Intent intent) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("v", FORMAT_VERSION);
        gen.writeStringField("s", intent.source());
        gen.writeStringField("t", intent.table());
        if (intent.captureVersion() != null) {
            gen.writeNumberField("cv", intent.captureVersion());
        }
        gen.writeFieldName("k");
        writeKey(gen, intent.key());
        if (intent.operation().wireCode() != null) {
            gen.writeStringField("o", intent.operation().wireCode());
        }
        if (intent.version() instanceof VersionHint.Postgres pg) {
            gen.writeFieldName("x");
            gen.writeNumber(Long.toUnsignedString(pg.transactionId()));
            gen.writeFieldName("l");
            gen.writeNumber(Long.toUnsignedString(pg.walPosition()));
        } else if (intent.version() instanceof VersionHint.StreamSequence seq) {
            gen.writeStringField("q", seq.sequenceNumber().toString());
        }
        gen.writeNumberField("c", intent.capturedAt().toEpochMilli());
        gen.writeEndObject();
    }

    private static void checkSize(long size, int limit, String what) {
        if (size > limit) {
            throw new IntentFormatException("$", what + " is " + size + " bytes, over the limit of " + limit);
        }
    }

    private static IntentFormatException malformed(JsonProcessingException e) {
        var where = e.getLocation();
        String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
        return new IntentFormatException("$", "malformed JSON" + at + ": " + e.getOriginalMessage());
    }

    static String describe(JsonParser parser) {
        JsonToken token = parser.currentToken();
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a non-integer number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    /**
     * Reads the fields of one intent object (the parser positioned on its START_OBJECT) into locals, then checks
     * them. The format version is judged before any other problem, so a newer producer's intent is reported as
     * "unsupported version" rather than as a confusing field error.
     */
    private static final class IntentReader {
        private final JsonParser parser;
        private final Set<String> seen = new HashSet<>();
        private IntentFormatException firstProblem;
        private Long formatVersion;
        private String source;
        private String table;
        private EntityKey key;
        private Operation operation = Operation.UNKNOWN;
        private Long transactionId;
        private Long walPosition;
        private BigInteger sequence;
        private Long capturedAtMillis;
        private Integer captureVersion;

        IntentReader(JsonParser parser) {
            this.parser = parser;
        }

        Intent read() throws IOException {
            JsonStreamContext intentObject = parser.getParsingContext();
            for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
                parser.nextToken();
                try {
                    if (!seen.add(field)) {
                        throw new IntentFormatException(field, "appears more than once");
                    }
                    readField(field);
                } catch (IntentFormatException problem) {
                    note(problem);
                    skipBackTo(intentObject);
                } catch (IntentLimitException outside) {
                    note(new IntentFormatException(outside.field(), outside.problem()));
                    skipBackTo(intentObject);
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IntentFormatException("$", "expected a field name, got " + describe(parser));
            }
            return build();
        }

        private void readField(String field) throws IOException {
            switch (field) {
                case "v" -> formatVersion = integer(field);
                case "s" -> source = name(field);
                case "t" -> table = name(field);
                case "cv" -> captureVersion = captureVersion(field);
                case "k" -> key = key();
                case "o" -> operation = operation();
                case "x" -> transactionId = unsigned64(field);
                case "l" -> walPosition = unsigned64(field);
                case "q" -> sequence = sequence();
                case "c" -> capturedAtMillis = capturedAt(field);
                default -> throw new IntentFormatException(field, "unknown field (format version "
                        + FORMAT_VERSION + " has v, s, t, cv, k, o, x, l, q, c)");
            }
        }

        private Intent build() {
            if (formatVersion == null) {
                throw firstProblem != null && "v".equals(firstProblem.field())
                        ? firstProblem : new IntentFormatException("v", "missing (the format version)");
            }
            if (formatVersion != FORMAT_VERSION) {
                throw new IntentFormatException("v", "unsupported format version " + formatVersion
                        + " (this reader understands " + FORMAT_VERSION + ")");
            }
            if (firstProblem != null) {
                throw firstProblem;
            }
            require("s", source);
            require("t", table);
            require("k", key);
            require("c", capturedAtMillis);
            if ((transactionId == null) != (walPosition == null)) {
                throw new IntentFormatException(transactionId == null ? "x" : "l",
                        "missing: a PostgreSQL version hint needs both x (transaction id) and l (WAL position)");
            }
            if (sequence != null && transactionId != null) {
                throw new IntentFormatException("q", "cannot be combined with x and l: one kind of version hint");
            }
            VersionHint version = VersionHint.NONE;
            if (transactionId != null) {
                version = new VersionHint.Postgres(transactionId, walPosition);
            } else if (sequence != null) {
                version = new VersionHint.StreamSequence(sequence);
            }
            return new Intent(source, table, key, operation, version, Instant.ofEpochMilli(capturedAtMillis),
                    captureVersion);
        }

        /** After a problem inside a field's value, moves the parser past that value, back into the intent object. */
        private void skipBackTo(JsonStreamContext intentObject) throws IOException {
            while (parser.getParsingContext() != intentObject) {
                parser.nextToken();
            }
        }

        private void note(IntentFormatException problem) {
            if (firstProblem == null) {
                firstProblem = problem;
            }
        }

        private static void require(String field, Object value) {
            if (value == null) {
                throw new IntentFormatException(field, "missing");
            }
        }

        private long integer(String field) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new IntentFormatException(field, "expected an integer, got " + describe(parser));
            }
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new IntentFormatException(field, "integer " + parser.getText() + " is out of range");
            }
            return parser.getLongValue();
        }

        private long unsigned64(String field) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new IntentFormatException(field, "expected an unsigned integer, got " + describe(parser));
            }
            try {
                return Long.parseUnsignedLong(parser.getText());
            } catch (NumberFormatException e) {
                throw new IntentFormatException(field, "expected an unsigned 64-bit integer, got " + parser.getText());
            }
        }

        private String name(String field) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw new IntentFormatException(field, "expected a string, got " + describe(parser));
            }
            String text = parser.getText();
            IntentLimits.requireName(field, text);
            return text;
        }

        private long capturedAt(String field) throws IOException {
            long millis = integer(field);
            IntentLimits.requireCapturedAt(field, millis);
            return millis;
        }

        private int captureVersion(String field) throws IOException {
            long number = integer(field);
            IntentLimits.requireCaptureVersion(field, number);
            return (int) number;
        }

        private Operation operation() throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw new IntentFormatException("o", "expected one of \"i\", \"u\", \"d\", got " + describe(parser));
            }
            Operation op = Operation.fromWireCode(parser.getText());
            if (op == null) {
                throw new IntentFormatException("o", "expected one of \"i\", \"u\", \"d\", got \""
                        + parser.getText() + "\"");
            }
            return op;
        }

        private BigInteger sequence() throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw new IntentFormatException("q", "expected a string of digits, got " + describe(parser));
            }
            String digits = parser.getText();
            if (digits.isEmpty() || digits.length() > MAX_SEQUENCE_DIGITS || !digits.chars().allMatch(Character::isDigit)) {
                throw new IntentFormatException("q", "expected 1 to " + MAX_SEQUENCE_DIGITS + " decimal digits");
            }
            return new BigInteger(digits);
        }

        private EntityKey key() throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw new IntentFormatException("k", "expected an object of key column -> value, got "
                        + describe(parser));
            }
            EntityKey.Builder builder = EntityKey.builder();
            int columns = 0;
            for (String column = parser.nextFieldName(); column != null; column = parser.nextFieldName()) {
                String field = "k." + column;
                IntentLimits.requireKeyColumnCount("k", ++columns);
                IntentLimits.requireKeyColumn(field, column);
                Object value = keyValue(field);
                IntentLimits.requireKeyValue(field, value);
                try {
                    builder.add(column, value);
                } catch (IllegalArgumentException duplicate) {
                    throw new IntentFormatException(field, "appears more than once");
                }
            }
            IntentLimits.requireKeyColumnCount("k", columns);
            return builder.build();
        }

        private Object keyValue(String field) throws IOException {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
            if (token == JsonToken.VALUE_NUMBER_INT) {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new IntentFormatException(field, "integer key " + parser.getText()
                            + " does not fit in 64 bits; send it as a string");
                }
                return parser.getLongValue();
            }
            throw new IntentFormatException(field, "expected a string or an integer, got " + describe(parser));
        }
    }
}
