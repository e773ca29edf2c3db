package dev.wail.lambda.secret;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A database user as Secrets Manager keeps it: a JSON object with {@code username} and {@code password}, the shape of
 * RDS-managed secrets (other members, such as {@code host} or {@code engine}, are ignored: endpoints come from the
 * function's configuration). {@link #toString()} never shows the password.
 */
public record DatabaseSecret(String username, String password) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param secretId names the secret in error messages (never its content)
     * @throws IllegalArgumentException naming what is wrong with the secret's shape
     */
    public static DatabaseSecret parse(String secretId, String secretString) {
        JsonNode root;
        try {
            root = JSON.readTree(secretString == null ? "" : secretString);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describe(secretId) + " is not JSON (at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(describe(secretId) + " is not a JSON object");
        }
        return new DatabaseSecret(text(root, "username", secretId), text(root, "password", secretId));
    }

    private static String text(JsonNode root, String field, String secretId) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(describe(secretId) + ": member \"" + field + "\" is "
                    + (value == null ? "missing" : "not a non-empty string"));
        }
        return value.asText();
    }

    private static String describe(String secretId) {
        return "database secret " + secretId + " (expected {\"username\":\"...\",\"password\":\"...\"})";
    }

    @Override
    public String toString() {
        return "DatabaseSecret[username=" + username + ", password=***]";
    }
}
