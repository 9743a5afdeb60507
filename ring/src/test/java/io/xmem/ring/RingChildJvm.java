package io.xmem.ring;

import io.xmem.pool.testing.LineChildJvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real child JVM running {@link RingChild}, driven by line commands ({@link LineChildJvm}, from
 * the pool module's test-jar).
 *
 * <pre>{@code
 * RingChildJvm sub = fx.child();
 * sub.ok("OPEN " + ring);
 * sub.ok("SUB " + ring);
 * sub.ok("CONSUME " + ring + " 0 1000 64 10 -1");
 * Map<String, String> r = RingChildJvm.pairs(sub.ok("AWAIT 60000", Duration.ofSeconds(70)));
 * }</pre>
 */
final class RingChildJvm extends LineChildJvm {
    private static final List<String> FLAGS = List.of("-Xmx96m", "-Xss512k", "-XX:+UseSerialGC", "-XX:-UsePerfData");

    private RingChildJvm(List<String> flags) {
        super(RingChild.class, flags);
    }

    /** Starts a child and waits for it to say READY. */
    static RingChildJvm start() {
        return new RingChildJvm(FLAGS);
    }

    /** A child with JVM flags of its own as well, e.g. {@code -Dxmem.label=feed}. */
    static RingChildJvm start(String... flags) {
        List<String> all = new ArrayList<>(FLAGS);
        all.addAll(List.of(flags));
        return new RingChildJvm(all);
    }

    Map<String, String> okPairs(String command) {
        return pairs(ok(command));
    }

    Map<String, String> okPairs(String command, Duration timeout) {
        return pairs(ok(command, timeout));
    }
}
