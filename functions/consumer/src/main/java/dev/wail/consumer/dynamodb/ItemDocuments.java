package dev.wail.consumer.dynamodb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A DynamoDB item as the plain JSON document every sink takes, the counterpart of PostgreSQL's {@code row_to_json}:
 *
 * <table>
 *   <caption>DynamoDB type -> JSON</caption>
 *   <tr><td>S</td><td>string</td></tr>
 *   <tr><td>N</td><td>number, exact (no rounding through a double)</td></tr>
 *   <tr><td>B</td><td>string, standard base64</td></tr>
 *   <tr><td>BOOL</td><td>true / false</td></tr>
 *   <tr><td>NULL</td><td>null</td></tr>
 *   <tr><td>M</td><td>object</td></tr>
 *   <tr><td>L</td><td>array, in list order</td></tr>
 *   <tr><td>SS / NS / BS</td><td>array of strings / numbers / base64 strings, sorted (strings and base64 by text,
 *       numbers by value), so equal sets give equal documents</td></tr>
 * </table>
 *
 * Object members are sorted by name for the same reason. Thread-safe.
 */
final class ItemDocuments {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Comparator<String> BY_NUMERIC_VALUE = Comparator.comparing(BigDecimal::new);

    private ItemDocuments() {
    }

    static String toJson(Map<String, AttributeValue> item) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            writeObject(gen, item);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeObject(JsonGenerator gen, Map<String, AttributeValue> attributes) throws IOException {
        gen.writeStartObject();
        for (Map.Entry<String, AttributeValue> attribute : new TreeMap<>(attributes).entrySet()) {
            gen.writeFieldName(attribute.getKey());
            write(gen, attribute.getValue());
        }
        gen.writeEndObject();
    }

    private static void write(JsonGenerator gen, AttributeValue value) throws IOException {
        switch (value.type()) {
            case S -> gen.writeString(value.s());
            case N -> writeNumber(gen, value.n());
            case B -> gen.writeString(base64(value.b()));
            case BOOL -> gen.writeBoolean(value.bool());
            case NUL -> gen.writeNull();
            case M -> writeObject(gen, value.m());
            case L -> {
                gen.writeStartArray();
                for (AttributeValue element : value.l()) {
                    write(gen, element);
                }
                gen.writeEndArray();
            }
            case SS -> writeStrings(gen, value.ss().stream().sorted().toList());
            case NS -> {
                gen.writeStartArray();
                for (String number : value.ns().stream().sorted(BY_NUMERIC_VALUE).toList()) {
                    writeNumber(gen, number);
                }
                gen.writeEndArray();
            }
            case BS -> writeStrings(gen, value.bs().stream().map(ItemDocuments::base64).sorted().toList());
            default -> throw new IllegalStateException("DynamoDB returned an attribute of a type this SDK does not "
                    + "know: " + value);
        }
    }

    /** BigDecimal's text is always valid JSON number syntax, whatever form DynamoDB wrote the number in. */
    private static void writeNumber(JsonGenerator gen, String number) throws IOException {
        gen.writeNumber(new BigDecimal(number).toString());
    }

    private static void writeStrings(JsonGenerator gen, List<String> strings) throws IOException {
        gen.writeStartArray();
        for (String string : strings) {
            gen.writeString(string);
        }
        gen.writeEndArray();
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
