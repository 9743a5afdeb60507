package io.xmem.tools;

import io.xmem.pool.InvalidConfigException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Moments for people: {@code 2026-11-22T10:05:00Z}, {@code 2026-11-22T10:05}, {@code 10:05} (today), epoch ms. */
final class Times {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private Times() {
    }

    static Instant parse(String text, String option) {
        String t = text.strip();
        try {
            if (t.matches("\\d{10,}")) {
                return Instant.ofEpochMilli(Long.parseLong(t));
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return Instant.parse(t);
            }
            if (t.contains("T")) {
                return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant();
            }
            return LocalDate.now().atTime(LocalTime.parse(t)).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InvalidConfigException(option + " takes a time such as 10:05, 2026-11-22T10:05:00, "
                + "2026-11-22T09:05:00Z or epoch milliseconds, not '" + text + "'");
        }
    }

    /** Local time, to the millisecond; "-" for null. */
    static String format(Instant t) {
        return t == null ? "-" : SHOWN.format(t.atZone(ZoneId.systemDefault()));
    }
}
