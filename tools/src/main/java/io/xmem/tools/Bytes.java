package io.xmem.tools;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts for people: "8 MiB" out, "8MiB", "8m" or "8388608" in. */
final class Bytes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    private Bytes() {
    }

    /** Exact when the count is a whole number of a unit ("4 KiB"), one decimal otherwise ("3.9 GiB"). */
    static String format(long bytes) {
        int unit = 0;
        while (unit < UNITS.length - 1 && bytes >= 1024L << (10 * unit)) {
            unit++;
        }
        long scale = 1L << (10 * unit);
        if (bytes % scale == 0) {
            return bytes / scale + " " + UNITS[unit];
        }
        return String.format(Locale.ROOT, "%.1f %s", (double) bytes / scale, UNITS[unit]);
    }

    /** A rate in bytes per second, e.g. "1.7 GiB/s". */
    static String rate(long bytes, long nanos) {
        if (nanos <= 0) {
            return "-";
        }
        double perSecond = bytes * 1e9 / nanos;
        int unit = 0;
        while (unit < UNITS.length - 1 && perSecond >= 1024) {
            perSecond /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s/s", perSecond, UNITS[unit]);
    }

    static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                + "' is not a size: write bytes (1048576) or with a unit (1MiB, 8m)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long value = Long.parseLong(m.group(1));
        if (value > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return value << shift;
    }

    /** Lets an option take "8MiB" as well as "8388608". */
    static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too large");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
