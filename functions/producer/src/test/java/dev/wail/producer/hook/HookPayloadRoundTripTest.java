package dev.wail.producer.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.producer.EdgeCases;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hook payloads made of generated edge cases: whatever {@link HookPayloadReader} accepts, the consumer's codec encodes
 * and decodes back to an equal intent; whatever the codec would reject, the reader refuses, naming the key entry (or,
 * for a shared field, the whole payload).
 */
class HookPayloadRoundTripTest {

    private static final int PAYLOADS = 600;
    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void theReaderAcceptsExactlyTheKeyEntriesTheConsumerWouldDecode() throws IOException {
        EdgeCases cases = new EdgeCases();
        List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        int refusedWhole = 0;
        for (int p = 0; p < PAYLOADS; p++) {
            Payload payload = Payload.generate(cases);
            HookPayloadReader.Read read;
            try {
                read = HookPayloadReader.readEach(payload.json());
            } catch (HookPayloadException whole) {
                refusedWhole++;
                // A shared field is out of limits: the intent of any key under this header is one the codec rejects.
                if (EdgeCases.roundTrips(payload.intent(payload.simplestKey()))) {
                    disagreements.add("payload " + p + " refused whole (" + whole.getMessage() + ") though its "
                            + "header is within limits: " + payload.json());
                }
                continue;
            }
            int next = 0;
            List<String> reasons = read.rejectedKeys().stream().map(Throwable::getMessage).toList();
            for (int i = 0; i < payload.keys().size(); i++) {
                Intent expected = payload.intent(payload.keys().get(i));
                boolean codecAccepts = EdgeCases.roundTrips(expected);
                String entry = "hook payload field 'k[" + i + "]";
                boolean readerAccepts = reasons.stream().noneMatch(reason -> reason.startsWith(entry));
                if (readerAccepts) {
                    assertThat(read.intents().get(next++)).as("payload %d k[%d]", p, i).isEqualTo(expected);
                    accepted++;
                } else {
                    refused++;
                }
                if (readerAccepts != codecAccepts) {
                    disagreements.add("payload " + p + " k[" + i + "]: reader " + (readerAccepts ? "accepts" : "refuses")
                            + ", codec " + (codecAccepts ? "accepts" : "rejects") + ": " + expected);
                }
            }
            assertThat(read.intents()).as("payload %d: no intent the codec does not return unchanged", p)
                    .allSatisfy(intent -> assertThat(EdgeCases.roundTrips(intent)).isTrue());
            assertThat(reasons).as("payload %d: each refusal names its key entry", p)
                    .allSatisfy(reason -> assertThat(reason).startsWith("hook payload field 'k["));
            if (read.rejectedPayload() != null) {
                // The recorded payload holds exactly the refused entries, which are refused again for the same reasons.
                HookPayloadReader.Read again = HookPayloadReader.readEach(read.rejectedPayload());
                assertThat(again.intents()).isEmpty();
                assertThat(again.rejectedKeys()).hasSameSizeAs(read.rejectedKeys());
            }
        }

        assertThat(disagreements).isEmpty();
        assertThat(accepted).as("accepted entries").isGreaterThan(PAYLOADS / 2);
        assertThat(refused).as("refused entries").isGreaterThan(PAYLOADS / 4);
        assertThat(refusedWhole).as("payloads refused whole").isBetween(PAYLOADS / 20, PAYLOADS * 3 / 4);
    }

    /** One generated payload: shared fields (some at or over a limit) and 1 to 8 key entries of edge values. */
    private record Payload(String source, String table, Integer captureVersion, long capturedAt, List<String> columns,
            List<List<Object>> keys, String json) {

        static Payload generate(EdgeCases cases) throws IOException {
            int columnCount = cases.keyColumns();
            String first = cases.name("id");
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < columnCount; i++) {
                columns.add(i == 0 ? first : "c" + i);
            }
            List<List<Object>> keys = new ArrayList<>();
            for (int k = 1 + cases.nextInt(8); k > 0; k--) {
                List<Object> values = new ArrayList<>();
                columns.forEach(c -> values.add(cases.keyValue()));
                keys.add(values);
            }
            Integer cv = cases.pick(Arrays.asList(null, null, null, 0, 7, 7, Integer.MAX_VALUE, -1));
            long capturedAt = cases.pick(List.of(1_764_034_800_123L, 1_764_034_800_123L, 1_764_034_800_123L, 0L, -1L));
            String source = cases.name("shop");
            String table = cases.name("orders");
            StringWriter text = new StringWriter();
            try (JsonGenerator gen = JSON.createGenerator(text)) {
                gen.writeStartObject();
                gen.writeNumberField("wail", 1);
                gen.writeStringField("s", source);
                gen.writeStringField("t", table);
                if (cv != null) {
                    gen.writeNumberField("cv", cv);
                }
                gen.writeStringField("o", "u");
                gen.writeNumberField("x", 752_345L);
                gen.writeNumberField("l", 439_041_101L);
                gen.writeFieldName("c");
                gen.writeNumber(Long.toUnsignedString(capturedAt));
                gen.writeArrayFieldStart("kc");
                for (String column : columns) {
                    gen.writeString(column);
                }
                gen.writeEndArray();
                gen.writeArrayFieldStart("k");
                for (List<Object> values : keys) {
                    gen.writeStartArray();
                    for (Object value : values) {
                        if (value instanceof Long number) {
                            gen.writeNumber(number);
                        } else {
                            gen.writeString((String) value);
                        }
                    }
                    gen.writeEndArray();
                }
                gen.writeEndArray();
                gen.writeEndObject();
            }
            return new Payload(source, table, cv, capturedAt, columns, keys, text.toString());
        }

        List<Object> simplestKey() {
            return columns.stream().map(c -> (Object) 1L).toList();
        }

        Intent intent(List<Object> values) {
            EntityKey.Builder key = EntityKey.builder();
            for (int i = 0; i < values.size(); i++) {
                key.add(columns.get(i), values.get(i));
            }
            return new Intent(source, table, key.build(), Operation.UPDATE,
                    new VersionHint.Postgres(752_345L, 439_041_101L), Instant.ofEpochMilli(capturedAt),
                    captureVersion);
        }
    }
}
