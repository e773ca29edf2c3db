package dev.wail.consumer.postgres;

import java.util.Locale;

/**
 * PostgreSQL's inet and cidr key values: an IPv4 dotted quad or any IPv6 text form (compressed or not, hex digits of
 * either case, an embedded dotted quad), with an optional {@code /bits}, printed the way PostgreSQL prints them. An
 * inet drops {@code /32} (IPv4) and {@code /128} (IPv6); a cidr always shows its bits and must have no bits set right
 * of its mask. IPv6 is compressed as PostgreSQL's {@code inet_net_ntop} does: the longest run of at least two zero
 * words (the first of equal runs) becomes {@code ::}, and an address whose first 96 bits are zero (but for the IPv4
 * and loopback-like cases below) or that maps IPv4 ({@code ::ffff:a.b.c.d}) ends in a dotted quad. Classful
 * abbreviations of cidr input ({@code 10/8}, {@code 192.168}) are refused: write the full address.
 */
final class PgInet {

    private PgInet() {
    }

    static String inet(String text) {
        return format(parse(text, "an inet address"), false);
    }

    static String cidr(String text) {
        Address address = parse(text, "a cidr network");
        byte[] bytes = address.bytes();
        for (int bit = address.bits(); bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException(PgKeyType.quote(text) + " is not a cidr network: it has bits set"
                        + " to the right of its mask /" + address.bits());
            }
        }
        return format(address, true);
    }

    private record Address(byte[] bytes, int bits) {
    }

    private static Address parse(String text, String what) {
        String address = text;
        int bits = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            address = text.substring(0, slash);
            String digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException(PgKeyType.quote(text) + " is not " + what);
            }
            bits = Integer.parseInt(digits);
        }
        byte[] bytes = address.indexOf(':') >= 0 ? ipv6(address) : ipv4(address);
        if (bytes == null) {
            throw new IllegalArgumentException(PgKeyType.quote(text) + " is not " + what);
        }
        int max = bytes.length * 8;
        if (bits > max) {
            throw new IllegalArgumentException(PgKeyType.quote(text) + " is not " + what + ": /" + bits
                    + " is more than " + max + " bits");
        }
        return new Address(bytes, bits < 0 ? max : bits);
    }

    /** @return the 4 bytes of a dotted quad, or null */
    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    /** @return the 16 bytes of an IPv6 text form, or null */
    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = gap >= 0 ? words(text.substring(0, gap), false) : words(text, true);
        int[] tail = gap >= 0 ? words(text.substring(gap + 2), true) : new int[0];
        if (head == null || tail == null) {
            return null;
        }
        int total = head.length + tail.length;
        if (gap < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.length; i++) {
            bytes[2 * i] = (byte) (head[i] >>> 8);
            bytes[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int word = 8 - tail.length + i;
            bytes[2 * word] = (byte) (tail[i] >>> 8);
            bytes[2 * word + 1] = (byte) tail[i];
        }
        return bytes;
    }

    /** Colon-separated hex words, the last of which may be a dotted quad (two words) when {@code last} is true. */
    private static int[] words(String text, boolean last) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int[] words = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (last && i == parts.length - 1 && part.indexOf('.') >= 0) {
                byte[] quad = ipv4(part);
                if (quad == null) {
                    return null;
                }
                words[n++] = (quad[0] & 0xff) << 8 | (quad[1] & 0xff);
                words[n++] = (quad[2] & 0xff) << 8 | (quad[3] & 0xff);
                continue;
            }
            if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return null;
            }
            words[n++] = Integer.parseInt(part, 16);
        }
        return java.util.Arrays.copyOf(words, n);
    }

    private static String format(Address address, boolean cidr) {
        byte[] bytes = address.bytes();
        int max = bytes.length * 8;
        String text = bytes.length == 4 ? quad(bytes, 0) : ipv6Text(bytes);
        return cidr || address.bits() != max ? text + "/" + address.bits() : text;
    }

    private static String quad(byte[] bytes, int from) {
        return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "."
                + (bytes[from + 3] & 0xff);
    }

    /** PostgreSQL's inet_net_ntop_ipv6, step for step. */
    private static String ipv6Text(byte[] bytes) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (words[i] == 0) {
                if (curBase == -1) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase != -1) {
                if (bestBase == -1 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase != -1 && bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    text.append(':');
                }
                continue;
            }
            if (i != 0) {
                text.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 7 && words[7] != 1)
                    || (bestLen == 5 && words[5] == 0xffff))) {
                text.append(quad(bytes, 12));
                break;
            }
            text.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            text.append(':');
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }
}
