package dev.wail.core.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Short content-derived identifiers, the one hash behind every id wail derives from content (an intent's id, an
 * entity's id, a packed SQS FIFO message's deduplication id): the first bytes of SHA-256 over the content, in URL-safe
 * base64 without padding. The same content always gives the same id, on every runtime; ids of different lengths are
 * never equal. Thread-safe.
 */
public final class ContentId {

    private ContentId() {
    }

    /**
     * @param content    the bytes to identify
     * @param digestBytes how many leading bytes of the SHA-256 digest to keep (1 to 32); 12 give 16 characters, 16
     *                    give 22
     */
    public static String of(byte[] content, int digestBytes) {
        if (digestBytes < 1 || digestBytes > 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 1 to 32 bytes to keep, asked for " + digestBytes);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digestBytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** {@link #of(byte[], int)} over the UTF-8 bytes of {@code content}. */
    public static String of(String content, int digestBytes) {
        return of(content.getBytes(StandardCharsets.UTF_8), digestBytes);
    }
}
