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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code examples/run market-data}: one feed process publishes 48-byte quotes inline at a chosen
 * rate; N strategy processes read the same ring, each at its own position, and report their lag
 * and any loss, in a reliable or a lossy ring.
 */
@Command(name = "market-data", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Quote fan-out: one feed process, N strategy processes, one ring.", "",
        "The feed writes 48-byte quotes (sequence, send time, instrument, bid, ask, sizes) in place in ring NAME at "
            + "--rate quotes/s for --seconds, then END quotes with the count. Each strategy reads every quote in "
            + "place, tracks a moving average per instrument, and reports its lag (send to receive) once a second "
            + "and at the end, with what it lost. Reliable (default): the slowest strategy back-pressures the feed "
            + "and nothing is lost. --lossy: the feed never waits; a strategy that falls a whole ring behind skips "
            + "ahead and reports exactly how many quotes it missed.", ""})
final class MarketDataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000000",
        description = "Quotes per second (default ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
        description = "How long to publish (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--strategies", paramLabel = "N", defaultValue = "2",
        description = "Strategy processes (default ${DEFAULT-VALUE}).")
    int strategies;

    @Option(names = "--lossy", description = "A lossy ring: the feed never waits; slow strategies lose quotes.")
    boolean lossy;

    @Option(names = "--capacity", paramLabel = "BYTES", defaultValue = "1048576",
        description = "Ring capacity, a power of two (default ${DEFAULT-VALUE}: about 16,000 quotes).")
    int capacity;

    @Option(names = "--idle", paramLabel = "HOW", defaultValue = "spin",
        description = "How strategies wait: spin, yield or sleep (default ${DEFAULT-VALUE}; with more spinners than "
            + "cores, yield).")
    Idle idle;


    @Mixin
    SharedFiles files;

    @Override
    public Integer call() {
        if (rate < 1 || seconds <= 0 || strategies < 1 || strategies > 64) {
            throw new ParameterException(spec.commandLine(),
                "--rate must be at least 1, --seconds positive and --strategies from 1 to 64");
        }
        String base = files.name("market-data");
        String dirArg = files.dir.toString();
        RingConfig config = RingConfig.builder().directory(files.dir).capacity(capacity).lossy(lossy)
            .maxSubscribers(Math.max(16, strategies + 4)).build();
        try (Roles roles = new Roles("market-data", spec.commandLine().getOut());
             Ring ring = roles.createRing(base, config)) {
            roles.say("market-data: %,d quotes/s for %.0f s to %d strateg%s through %s ring '%s' (%d KiB), "
                + "strategies %s", rate, seconds, strategies, strategies == 1 ? "y" : "ies",
                lossy ? "lossy" : "reliable", ring.name(), capacity / 1024, idle.describe());
            List<ChildProcess> started = new ArrayList<>();
            for (int i = 1; i <= strategies; i++) {
                started.add(roles.start("strategy " + i, "strategy", "--ring", base, "--dir", dirArg, "--idle",
                    idle.name()));
            }
            for (ChildProcess s : started) {
                roles.awaitReady(s);
            }
            roles.start("feed", "feed", "--ring", base, "--dir", dirArg, "--rate", Long.toString(rate), "--seconds",
                Double.toString(seconds));
            boolean ok = roles.awaitAll(Duration.ofSeconds(120 + (long) seconds));
            roles.say(ok
                ? "OK: every strategy accounted for every quote" + (lossy ? " (received or lost)" : ", none lost")
                : "FAILED (see above)");
            return ok ? 0 : Examples.FAILED;
        }
    }
}
