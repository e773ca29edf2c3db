package dev.wail.consumer.postgres;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's date, time, timestamp and timestamptz key values: the ISO spellings PostgreSQL accepts ('T' or a space,
 * any fraction of a second, an offset as {@code Z}, {@code +hh}, {@code +hh:mm}, {@code +hhmm} or with seconds, an
 * era suffix {@code BC}/{@code AD}, {@code infinity}), checked against PostgreSQL's ranges, and printed the way
 * {@code to_json} prints them. Fractions round to microseconds as PostgreSQL rounds them ({@code rint} of the
 * double value); a time or timestamp reading 24:00:00 or :60 seconds rolls over as in PostgreSQL. Names
 * ({@code now}, {@code epoch}, zone names, abbreviations) and DateStyle-dependent forms are refused: a key must not
 * depend on the session or the clock.
 */
final class PgDateTimes {

    /** 4714-11-24 BC (Julian day 0), PostgreSQL's first date and timestamp. */
    private static final LocalDate FIRST_DATE = LocalDate.of(-4713, 11, 24);
    /** 5874897-12-31, PostgreSQL's last date. */
    private static final LocalDate LAST_DATE = LocalDate.of(5874897, 12, 31);
    /** 294277-01-01 00:00, the first instant after PostgreSQL's last timestamp. */
    private static final LocalDateTime TIMESTAMP_END = LocalDateTime.of(294277, 1, 1, 0, 0);

    private static final Pattern DATE = Pattern.compile("(\\d{4,9})-(\\d{1,2})-(\\d{1,2})");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2})(\\.\\d*)?)?");
    private static final Pattern ZONE = Pattern.compile("(?i:z)|([+-])(\\d{1,2})(?::?(\\d{2})(?::?(\\d{2}))?)?");
    private static final Pattern ERA = Pattern.compile("(?i:bc|ad)");

    private PgDateTimes() {
    }

    /** The parts of one spelling: what was there, with the era and zone pulled out of the tail. */
    private record Parts(String date, String time, String zone, boolean bc) {
    }

    static String date(String text) {
        String infinite = infinity(text);
        if (infinite != null) {
            return infinite;
        }
        Parts parts = split(text, "a date");
        if (parts.time() != null || parts.zone() != null) {
            throw new IllegalArgumentException(quote(text) + " is not a date (a time is not part of a date key)");
        }
        LocalDate date = parseDate(parts.date(), parts.bc(), text);
        if (date.isBefore(FIRST_DATE) || date.isAfter(LAST_DATE)) {
            throw new IllegalArgumentException(quote(text) + " is out of range for date (4714-11-24 BC to"
                    + " 5874897-12-31)");
        }
        return formatDate(date);
    }

    static String timestamp(String text) {
        String infinite = infinity(text);
        if (infinite != null) {
            return infinite;
        }
        // PostgreSQL ignores an offset given for a timestamp without time zone; so does its identity here.
        return formatTimestamp(checkedTimestamp(localTimestamp(split(text, "a timestamp"), text), text));
    }

    static String timestamptz(String text) {
        String infinite = infinity(text);
        if (infinite != null) {
            return infinite;
        }
        Parts parts = split(text, "a timestamp");
        if (parts.zone() == null) {
            throw new IllegalArgumentException(quote(text) + " has no offset: a timestamptz key needs one (Z or"
                    + " +hh:mm), or its meaning would depend on the session's TimeZone");
        }
        LocalDateTime utc = localTimestamp(parts, text).atOffset(offset(parts.zone(), text))
                .withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        String form = formatTimestamp(checkedTimestamp(utc, text));
        // The Z follows the time, the era stays last: "0044-03-15T10:00:00Z BC", as the hook writes it.
        return form.endsWith(" BC") ? form.substring(0, form.length() - 3) + "Z BC" : form + "Z";
    }

    static String time(String text) {
        Matcher time = TIME.matcher(text.strip());
        int end = time.lookingAt() ? time.end() : -1;
        String rest = end < 0 ? "" : text.strip().substring(end).strip();
        if (end < 0 || !(rest.isEmpty() || ZONE.matcher(rest).matches())) {
            throw new IllegalArgumentException(quote(text) + " is not a time");
        }
        long micros = micros(time, text, "a time");
        if (micros > 86_400_000_000L) {
            throw new IllegalArgumentException(quote(text) + " is out of range for time (00:00:00 to 24:00:00)");
        }
        return formatTime(micros);
    }

    private static String infinity(String text) {
        String word = text.strip().toLowerCase(Locale.ROOT);
        return switch (word) {
            case "infinity", "+infinity" -> "infinity";
            case "-infinity" -> "-infinity";
            default -> null;
        };
    }

    /** Splits "date[ T]time[ zone][ era]" (zone and era in either order) into its parts. */
    private static Parts split(String text, String what) {
        String rest = text.strip();
        Matcher date = DATE.matcher(rest);
        if (!date.lookingAt()) {
            throw new IllegalArgumentException(quote(text) + " is not " + what);
        }
        rest = rest.substring(date.end());
        String time = null;
        if (!rest.isEmpty() && (rest.charAt(0) == 'T' || rest.charAt(0) == 't' || rest.charAt(0) == ' ')) {
            Matcher t = TIME.matcher(rest.substring(1).stripLeading());
            if (t.lookingAt()) {
                time = t.group();
                rest = rest.substring(1).stripLeading().substring(t.end());
            }
        }
        String zone = null;
        Boolean bc = null;
        rest = rest.strip();
        while (!rest.isEmpty()) {
            Matcher era = ERA.matcher(rest);
            Matcher offset = ZONE.matcher(rest);
            if (bc == null && era.lookingAt()) {
                bc = era.group().equalsIgnoreCase("bc");
                rest = rest.substring(era.end()).strip();
            } else if (zone == null && time != null && offset.lookingAt()) {
                zone = offset.group();
                rest = rest.substring(offset.end()).strip();
            } else {
                throw new IllegalArgumentException(quote(text) + " is not " + what);
            }
        }
        return new Parts(date.group(), time, zone, Boolean.TRUE.equals(bc));
    }

    private static LocalDate parseDate(String iso, boolean bc, String text) {
        Matcher m = DATE.matcher(iso);
        if (!m.matches()) {
            throw new IllegalArgumentException(quote(text) + " is not a date");
        }
        int year = Integer.parseInt(m.group(1));
        if (year == 0) {
            throw new IllegalArgumentException(quote(text) + " is not a date: there is no year 0");
        }
        try {
            return LocalDate.of(bc ? 1 - year : year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException(quote(text) + " is not a date: " + e.getMessage());
        }
    }

    private static LocalDateTime localTimestamp(Parts parts, String text) {
        LocalDate date = parseDate(parts.date(), parts.bc(), text);
        if (date.isBefore(FIRST_DATE) || date.isAfter(LAST_DATE)) {
            throw new IllegalArgumentException(quote(text) + " is out of range for a timestamp");
        }
        if (parts.time() == null) {
            return date.atStartOfDay();
        }
        Matcher time = TIME.matcher(parts.time());
        if (!time.matches()) {
            throw new IllegalArgumentException(quote(text) + " is not a timestamp");
        }
        long micros = micros(time, text, "a timestamp");
        return date.atStartOfDay().plusNanos(micros * 1000);
    }

    private static LocalDateTime checkedTimestamp(LocalDateTime value, String text) {
        if (value.toLocalDate().isBefore(FIRST_DATE) || !value.isBefore(TIMESTAMP_END)) {
            throw new IllegalArgumentException(quote(text) + " is out of range for a timestamp (4714-11-24 BC to"
                    + " 294276-12-31 23:59:59.999999)");
        }
        return value;
    }

    /** Microseconds since midnight, allowing 24:00:00 and second 60 as PostgreSQL does (they roll over). */
    private static long micros(Matcher time, String text, String what) {
        int hour = Integer.parseInt(time.group(1));
        int minute = Integer.parseInt(time.group(2));
        int second = time.group(3) == null ? 0 : Integer.parseInt(time.group(3));
        String fraction = time.group(4);
        // PostgreSQL: fsec = rint(strtod(".ddd") * 1000000).
        long micros = fraction == null || fraction.length() == 1 ? 0
                : (long) Math.rint(Double.parseDouble(fraction) * 1_000_000);
        if (hour > 24 || minute > 59 || second > 60 || (hour == 24 && (minute > 0 || second > 0 || micros > 0))) {
            throw new IllegalArgumentException(quote(text) + " is not " + what + ": field out of range");
        }
        return ((hour * 60L + minute) * 60 + second) * 1_000_000 + micros;
    }

    private static ZoneOffset offset(String zone, String text) {
        Matcher m = ZONE.matcher(zone);
        if (!m.matches() || m.group(1) == null) {
            return ZoneOffset.UTC;
        }
        int sign = m.group(1).equals("-") ? -1 : 1;
        int hours = Integer.parseInt(m.group(2));
        int minutes = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        int seconds = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        if (hours > 15 || minutes > 59 || seconds > 59) {
            throw new IllegalArgumentException(quote(text) + " has an offset out of range: " + zone);
        }
        return ZoneOffset.ofTotalSeconds(sign * ((hours * 60 + minutes) * 60 + seconds));
    }

    static String formatDate(LocalDate date) {
        int year = date.getYear();
        String text = String.format(Locale.ROOT, "%04d-%02d-%02d", year > 0 ? year : 1 - year, date.getMonthValue(),
                date.getDayOfMonth());
        return year > 0 ? text : text + " BC";
    }

    static String formatTimestamp(LocalDateTime value) {
        LocalDate date = value.toLocalDate();
        String day = formatDate(date);
        boolean bc = day.endsWith(" BC");
        String time = formatTime(value.toLocalTime().toNanoOfDay() / 1000);
        return (bc ? day.substring(0, day.length() - 3) : day) + "T" + time + (bc ? " BC" : "");
    }

    /** HH:MM:SS plus "." and the fraction's digits without trailing zeros, none when zero (to_json's form). */
    static String formatTime(long micros) {
        long seconds = micros / 1_000_000;
        long fraction = micros % 1_000_000;
        String text = String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        if (fraction == 0) {
            return text;
        }
        String digits = String.format(Locale.ROOT, "%06d", fraction);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return text + "." + digits.substring(0, end);
    }

    static String quote(String text) {
        return PgKeyType.quote(text);
    }
}
