package io.xmem.perf.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Message sizes on the command line ({@code 32,4k,1m,24MiB}) and in the report ({@code 4 KiB}). */
public final class Sizes {
    private Sizes() {
    }

    public static int parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1024;
        } else if (t.endsWith("m")) {
            unit = 1024 * 1024;
        }
        if (unit > 1) {
            t = t.substring(0, t.length() - 1);
        }
        long v = Long.parseLong(t.trim()) * unit;
        if (v < MessageLayout.MIN_LENGTH || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size " + s + " is outside " + MessageLayout.MIN_LENGTH + " B .. 2 GiB");
        }
        return (int) v;
    }

    public static List<Integer> parseList(String s) {
        List<Integer> out = new ArrayList<>();
        for (String part : s.split(",")) {
            out.add(parse(part));
        }
        return out;
    }

    public static String format(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " B";
    }
}
