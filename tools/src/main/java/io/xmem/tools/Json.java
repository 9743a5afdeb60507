package io.xmem.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of {@code xmem ls --json} and {@code xmem stat --json}, written from maps (objects, in
 * insertion order), lists, strings, numbers, booleans and nulls; one line per document, so a
 * watching stat is JSON Lines. The tool needs no JSON library for this.
 *
 * <pre>{@code
 * Map<String, Object> pool = Json.object();
 * pool.put("name", "frames");
 * pool.put("free", 7);
 * Json.write(pool);            // {"name":"frames","free":7}
 * }</pre>
 */
final class Json {
    private Json() {
    }

    /** An empty object whose fields keep the order they are put in. */
    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    static String write(Object value) {
        StringBuilder s = new StringBuilder();
        write(s, value);
        return s.toString();
    }

    private static void write(StringBuilder s, Object value) {
        switch (value) {
            case null -> s.append("null");
            case String text -> string(s, text);
            case Boolean b -> s.append(b);
            case Double d -> s.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
            case Float f -> write(s, f.doubleValue());
            case Number n -> s.append(n.longValue());
            case Map<?, ?> map -> {
                s.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    s.append(first ? "" : ",");
                    string(s, String.valueOf(e.getKey()));
                    s.append(':');
                    write(s, e.getValue());
                    first = false;
                }
                s.append('}');
            }
            case List<?> list -> {
                s.append('[');
                for (int i = 0; i < list.size(); i++) {
                    s.append(i == 0 ? "" : ",");
                    write(s, list.get(i));
                }
                s.append(']');
            }
            default -> string(s, value.toString());
        }
    }

    private static void string(StringBuilder s, String text) {
        s.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
