package dev.wail.producer.hook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.IntentLimitException;
import dev.wail.core.intent.IntentLimits;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one PostgreSQL hook payload (see {@code wail/hooks.sql}) into intents, one per reported key:
 *
 * <pre>{"wail":1,"s":"shop","t":"orders","cv":3,"o":"u","x":752345,"l":439041101,"c":1764034800123,"kc":["id"],"k":[[42],[43]]}</pre>
 *
 * {@code cv}, the table's capture version, is optional (hooks installed before it existed do not send it).
 *
 * <p>A payload with a missing, wrongly typed or unknown field, or a shared field outside {@link IntentLimits} (a
 * source name of 300 characters, 17 key columns), is refused as a whole with a {@link HookPayloadException} that names
 * the field. Key entries ({@code k[i]}) are judged one by one, against the same limits the consumer's
 * {@link IntentCodec} decodes with: an intent this reader returns always encodes and decodes back to an equal intent,
 * and an entry the consumer would reject is refused here, naming the entry and the limit. {@link #readEach} returns the
 * intents of the good entries and the reasons of the bad ones; {@link #read} refuses the payload at the first bad
 * entry.
 */
public final class HookPayloadReader {

    public static final int PAYLOAD_VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    private HookPayloadReader() {
    }

    /** The intents of a payload; refuses the whole payload if any part of it, one key entry included, is bad. */
    public static List<Intent> read(String payload) {
        Read read = readEach(payload);
        if (!read.rejectedKeys().isEmpty()) {
            throw read.rejectedKeys().get(0);
        }
        return read.intents();
    }

    /**
     * The intents of the payload's good key entries and, for each bad entry, why it is bad.
     *
     * @throws HookPayloadException when the payload itself is unusable (not an object, a field other than a key entry
     *                              missing, wrongly typed or unknown)
     */
    public static Read readEach(String payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new HookPayloadException("expected a JSON object like {\"wail\":1,\"s\":...,\"kc\":[...],"
                        + "\"k\":[[...]]}");
            }
            Fields fields = new Fields();
            for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
                parser.nextToken();
                fields.read(field, parser);
            }
            return fields.toRead(payload);
        } catch (JsonParseException e) {
            throw new HookPayloadException("malformed JSON: " + e.getOriginalMessage());
        } catch (IntentLimitException outside) {
            throw new HookPayloadException(outside.field(), outside.problem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param intents         one per good key entry, in payload order
     * @param rejectedKeys    one per bad key entry, naming it ({@code k[3]}) and what is wrong with it
     * @param rejectedPayload the payload with its key entries reduced to the bad ones, as they were sent and in the
     *                        order of {@code rejectedKeys} (so that a person can inspect, repair and resend them);
     *                        {@code null} when every entry was good
     */
    public record Read(List<Intent> intents, List<HookPayloadException> rejectedKeys, String rejectedPayload) {
    }

    /**
     * One key entry as read: its values, or why it cannot be a key; and where its text lies in the payload
     * ({@code payload.substring(start, end)}), to record it as sent when it is rejected.
     */
    private record KeyEntry(List<Object> values, HookPayloadException problem, int start, int end) {
    }

    private static final class Fields {
        private Long version;
        private String source;
        private String table;
        private Operation operation;
        private Long transactionId;
        private Long walPosition;
        private Long capturedAt;
        private Integer captureVersion;
        private List<String> keyColumns;
        private List<KeyEntry> keys;

        void read(String field, JsonParser parser) throws IOException {
            switch (field) {
                case "wail" -> version = number(field, parser);
                case "s" -> source = text(field, parser);
                case "t" -> table = text(field, parser);
                case "o" -> operation = operation(parser);
                case "x" -> transactionId = number(field, parser);
                case "l" -> walPosition = number(field, parser);
                case "c" -> capturedAt = number(field, parser);
                case "cv" -> captureVersion = captureVersion(parser);
                case "kc" -> keyColumns = keyColumns(parser);
                case "k" -> keys = keys(parser);
                default -> throw new HookPayloadException(field,
                        "unknown field (expected wail, s, t, cv, o, x, l, c, kc, k)");
            }
        }

        Read toRead(String payload) {
            if (version == null || version != PAYLOAD_VERSION) {
                throw new HookPayloadException("wail", version == null ? "missing (the payload version)"
                        : "unsupported payload version " + version + " (this producer reads " + PAYLOAD_VERSION + ")");
            }
            require("s", source);
            require("t", table);
            require("o", operation);
            require("x", transactionId);
            require("l", walPosition);
            require("c", capturedAt);
            require("kc", keyColumns);
            require("k", keys);
            // Shared fields outside the limits would make every intent of the payload bad: refuse it whole.
            IntentLimits.requireName("s", source);
            IntentLimits.requireName("t", table);
            IntentLimits.requireCapturedAt("c", capturedAt);
            VersionHint version = new VersionHint.Postgres(transactionId, walPosition);
            Instant at = Instant.ofEpochMilli(capturedAt);
            List<Intent> intents = new ArrayList<>(keys.size());
            List<HookPayloadException> rejected = new ArrayList<>(0);
            List<KeyEntry> rejectedEntries = new ArrayList<>(0);
            for (int row = 0; row < keys.size(); row++) {
                try {
                    intents.add(intent(row, version, at));
                } catch (HookPayloadException bad) {
                    rejected.add(bad);
                    rejectedEntries.add(keys.get(row));
                }
            }
            return new Read(List.copyOf(intents), List.copyOf(rejected),
                    rejected.isEmpty() ? null : reducedTo(rejectedEntries, payload));
        }

        /** The intent of key entry {@code row}, if the consumer's codec would accept it. */
        private Intent intent(int row, VersionHint version, Instant at) {
            Intent intent = new Intent(source, table, key(row), operation, version, at, captureVersion);
            try {
                IntentCodec.DEFAULT.requireWithinLimits(intent);
            } catch (IntentFormatException outside) {
                throw new HookPayloadException("k[" + row + "]", outside.getMessage());
            }
            return intent;
        }

        /** This payload's shared fields with the given key entries, copied as they were sent. */
        private String reducedTo(List<KeyEntry> entries, String payload) {
            StringWriter text = new StringWriter(256);
            try (JsonGenerator gen = JSON.createGenerator(text)) {
                gen.writeStartObject();
                gen.writeNumberField("wail", PAYLOAD_VERSION);
                gen.writeStringField("s", source);
                gen.writeStringField("t", table);
                if (captureVersion != null) {
                    gen.writeNumberField("cv", captureVersion);
                }
                gen.writeStringField("o", operation.wireCode());
                gen.writeFieldName("x");
                gen.writeNumber(Long.toUnsignedString(transactionId));
                gen.writeFieldName("l");
                gen.writeNumber(Long.toUnsignedString(walPosition));
                gen.writeNumberField("c", capturedAt);
                gen.writeArrayFieldStart("kc");
                for (String column : keyColumns) {
                    gen.writeString(column);
                }
                gen.writeEndArray();
                gen.writeArrayFieldStart("k");
                for (KeyEntry entry : entries) {
                    gen.writeRawValue(payload, entry.start(), entry.end() - entry.start());
                }
                gen.writeEndArray();
                gen.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return text.toString();
        }

        private EntityKey key(int row) {
            KeyEntry entry = keys.get(row);
            if (entry.problem() != null) {
                throw entry.problem();
            }
            List<Object> values = entry.values();
            String field = "k[" + row + "]";
            if (values.size() != keyColumns.size()) {
                throw new HookPayloadException(field, "has " + values.size() + " values for "
                        + keyColumns.size() + " key columns " + keyColumns);
            }
            EntityKey.Builder key = EntityKey.builder();
            for (int i = 0; i < values.size(); i++) {
                String column = keyColumns.get(i);
                try {
                    IntentLimits.requireKeyValue(field + "[" + i + "]", values.get(i));
                } catch (IntentLimitException outside) {
                    throw new HookPayloadException(outside.field(), "key column '" + column + "': "
                            + outside.problem());
                }
                key.add(column, values.get(i));
            }
            return key.build();
        }

        private static void require(String field, Object value) {
            if (value == null) {
                throw new HookPayloadException(field, "missing");
            }
        }

        private static long number(String field, JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new HookPayloadException(field, "expected an integer, got " + parser.getText());
            }
            try {
                return Long.parseUnsignedLong(parser.getText());
            } catch (NumberFormatException e) {
                throw new HookPayloadException(field, "expected an unsigned 64-bit integer, got " + parser.getText());
            }
        }

        private static String text(String field, JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING || parser.getText().isEmpty()) {
                throw new HookPayloadException(field, "expected a non-empty string, got " + parser.getText());
            }
            return parser.getText();
        }

        private static int captureVersion(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
                    || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new HookPayloadException("cv", "expected an integer (the table's capture version), got "
                        + parser.getText());
            }
            long number = parser.getLongValue();
            IntentLimits.requireCaptureVersion("cv", number);
            return (int) number;
        }

        private static Operation operation(JsonParser parser) throws IOException {
            Operation op = parser.currentToken() == JsonToken.VALUE_STRING
                    ? Operation.fromWireCode(parser.getText()) : null;
            if (op == null) {
                throw new HookPayloadException("o", "expected \"i\", \"u\" or \"d\", got " + parser.getText());
            }
            return op;
        }

        private static List<String> keyColumns(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                throw new HookPayloadException("kc", "expected an array of key column names");
            }
            List<String> columns = new ArrayList<>(2);
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                String field = "kc[" + columns.size() + "]";
                String column = text(field, parser);
                IntentLimits.requireKeyColumn(field, column);
                columns.add(column);
            }
            IntentLimits.requireKeyColumnCount("kc", columns.size());
            if (columns.stream().distinct().count() != columns.size()) {
                throw new HookPayloadException("kc", "names a column twice: " + columns);
            }
            return columns;
        }

        private static List<KeyEntry> keys(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                throw new HookPayloadException("k", "expected an array of key value arrays");
            }
            List<KeyEntry> rows = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                rows.add(keyEntry("k[" + rows.size() + "]", parser));
            }
            return rows;
        }

        /** Reads one key entry to its end, even a bad one, so that the entries after it can still be read. */
        private static KeyEntry keyEntry(String field, JsonParser parser) throws IOException {
            int start = (int) parser.currentTokenLocation().getCharOffset();
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                String found = parser.getText();
                parser.skipChildren();
                return new KeyEntry(null, new HookPayloadException(field, "expected an array of key values, got "
                        + found), start, end(parser));
            }
            List<Object> values = new ArrayList<>(2);
            HookPayloadException problem = null;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                Object value = keyValue(parser);
                if (value == null && problem == null) {
                    problem = new HookPayloadException(field + "[" + values.size() + "]",
                            "key values must be strings or 64-bit integers, got " + parser.getText());
                }
                parser.skipChildren();
                values.add(value);
            }
            return new KeyEntry(problem == null ? values : null, problem, start, end(parser));
        }

        /** Where the token just read ends in the payload text. */
        private static int end(JsonParser parser) {
            return (int) parser.currentLocation().getCharOffset();
        }

        /** The current token as a key value, or {@code null} when it cannot be one. */
        private static Object keyValue(JsonParser parser) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
            if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return parser.getLongValue();
            }
            return null;
        }
    }
}
