package io.xmem.launch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key=value} words of a child's report line, the form our children use to tell their
 * parent numbers: {@code done records=250 bytes=4194304 lost=0}. Words without {@code =} are
 * skipped; a later key wins.
 *
 * <pre>{@code
 * Map<String, String> done = LineFields.of(child.awaitLine(l -> l.startsWith("done "), timeout));
 * long lost = Long.parseLong(done.get("lost"));
 * }</pre>
 */
public final class LineFields {
    private LineFields() {
    }

    /** The fields of {@code line}, in their order. */
    public static Map<String, String> of(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }

    /** Field {@code key} of {@code fields} as a long; {@code otherwise} when it is missing. */
    public static long getLong(Map<String, String> fields, String key, long otherwise) {
        String value = fields.get(key);
        return value == null ? otherwise : Long.parseLong(value);
    }
}
