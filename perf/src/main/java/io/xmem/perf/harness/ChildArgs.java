package io.xmem.perf.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line of a {@link Child}: {@code key=value} words. The run spec's fields under
 * {@code spec.}, what the transport prepared under {@code prep.} (and {@code echo.} for the echo
 * channel of a round trip), and the child's own settings unprefixed.
 */
final class ChildArgs {
    private final Map<String, String> values;

    private ChildArgs(Map<String, String> values) {
        this.values = values;
    }

    static List<String> encode(RunSpec spec, Map<String, String> prepared, Map<String, String> echoPrepared,
                               Map<String, String> settings) {
        List<String> words = new ArrayList<>();
        words.add("spec.transport=" + spec.transport());
        words.add("spec.mode=" + spec.mode().name());
        words.add("spec.length=" + spec.messageLength());
        words.add("spec.subscribers=" + spec.subscribers());
        words.add("spec.messages=" + spec.messages());
        words.add("spec.warmup=" + spec.warmupMessages());
        words.add("spec.warmupNanos=" + spec.warmupNanos());
        words.add("spec.rate=" + spec.ratePerSecond());
        words.add("spec.burst=" + spec.burst());
        words.add("spec.workDir=" + spec.workDir());
        words.add("spec.runId=" + spec.runId());
        new TreeMap<>(prepared).forEach((k, v) -> words.add("prep." + k + "=" + v));
        if (echoPrepared != null) {
            new TreeMap<>(echoPrepared).forEach((k, v) -> words.add("echo." + k + "=" + v));
        }
        new TreeMap<>(settings).forEach((k, v) -> words.add(k + "=" + v));
        return words;
    }

    static ChildArgs parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String word : args) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("child argument is not key=value: " + word);
            }
            values.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return new ChildArgs(values);
    }

    RunSpec spec() {
        return new RunSpec(get("spec.transport"), RunSpec.Mode.valueOf(get("spec.mode")),
            Integer.parseInt(get("spec.length")), Integer.parseInt(get("spec.subscribers")),
            Long.parseLong(get("spec.messages")), Long.parseLong(get("spec.warmup")),
            Long.parseLong(get("spec.warmupNanos")),
            Long.parseLong(get("spec.rate")), Integer.parseInt(get("spec.burst")),
            Path.of(get("spec.workDir")), get("spec.runId"));
    }

    Map<String, String> prepared(String prefix) {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) {
                out.put(k.substring(prefix.length() + 1), v);
            }
        });
        return out;
    }

    /** The value of an optional argument, or null. */
    String getOrNull(String key) {
        return values.get(key);
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("child argument " + key + "= missing");
        }
        return v;
    }
}
