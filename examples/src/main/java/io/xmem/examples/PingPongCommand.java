package io.xmem.examples;

import io.xmem.launch.ChildProcess;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.tools.Idle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code examples/run pingpong}: the trading round trip. Two processes, two inline-only rings: the
 * ping process sends a small message with its send time on one ring, the pong process echoes it on
 * the other, and ping records the round trip in an HdrHistogram, one message in flight at a time.
 */
@Command(name = "pingpong", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Round trips of small inline messages between two processes over two rings.", "",
        "A ping process sends a message carrying its send time on ring NAME-ping; a pong process echoes it on ring "
            + "NAME-pong; ping records each round trip in an HdrHistogram (after a warm-up) and prints p50, p90, "
            + "p99, p99.9, max and mean. One message is in flight at a time. Both busy-spin unless --idle says "
            + "otherwise.", ""})
final class PingPongCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "200000",
        description = "Round trips measured (default ${DEFAULT-VALUE}).")
    long messages;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "50000",
        description = "Round trips before measuring, for the JIT (default ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "32",
        description = "Message size, 16..1024 bytes, sent inline (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--idle", paramLabel = "HOW", defaultValue = "spin",
        description = "How both sides wait: spin, yield, or sleep (on the ring's futex) (default ${DEFAULT-VALUE}).")
    Idle idle;


    @Mixin
    SharedFiles files;

    @Override
    public Integer call() {
        if (messages < 1 || warmup < 0 || size < Ping.MIN_SIZE || size > 1024) {
            throw new ParameterException(spec.commandLine(), "--messages must be at least 1, --warmup at least 0, and "
                + "--size from " + Ping.MIN_SIZE + " to 1024 bytes");
        }
        String base = files.name("pingpong");
        String pingRing = base + "-ping";
        String pongRing = base + "-pong";
        // inline only: no pool
        RingConfig config = RingConfig.builder().directory(files.dir).capacity(64 * 1024).build();
        try (Roles roles = new Roles("pingpong", spec.commandLine().getOut());
             Ring ping = roles.createRing(pingRing, config);
             Ring pong = roles.createRing(pongRing, config)) {
            roles.say("ping-pong: %d round trips of %d-byte inline messages (after %d warm-up) over rings '%s' and "
                + "'%s', %s", messages, size, warmup, pingRing, pongRing, idle.describe());
            String dirArg = files.dir.toString();
            ChildProcess echo = roles.start("pong", "pong", "--in", pingRing, "--out", pongRing, "--dir", dirArg,
                "--idle", idle.name());
            roles.awaitReady(echo);
            roles.start("ping", "ping", "--out", pingRing, "--in", pongRing, "--dir", dirArg, "--idle", idle.name(),
                "--messages", Long.toString(messages), "--warmup", Long.toString(warmup),
                "--size", Integer.toString(size));
            boolean ok = roles.awaitAll(Duration.ofSeconds(120 + (messages + warmup) / 10_000));
            roles.say(ok ? "OK: every message came back in order" : "FAILED (see above)");
            return ok ? 0 : Examples.FAILED;
        }
    }
}
