package io.xmem.tools;

import io.xmem.bridge.BridgeConfig;
import io.xmem.bridge.BridgeEndpoint;
import io.xmem.bridge.BridgeStats;
import io.xmem.bridge.Egress;
import io.xmem.bridge.Ingress;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code xmem bridge out|in}: runs an egress (ring → Aeron) or an ingress (Aeron → ring) in the
 * foreground, printing its counters every second, until Ctrl-C.
 *
 * <pre>{@code
 * xmem bridge out md --channel 'aeron:udp?endpoint=10.0.0.2:40456'     # on host A
 * xmem bridge in  md --channel 'aeron:udp?endpoint=0.0.0.0:40456'      # on host B
 * }</pre>
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
    description = {"Carries a ring to other machines over Aeron (UDP unicast or multicast) and back.", "",
        "'xmem bridge out NAME' republishes every record of ring NAME on an Aeron channel; 'xmem bridge in NAME' "
            + "receives from one and publishes into ring NAME (which must exist, with its pool for large messages). "
            + "Counters go to NAME.bridge-out / NAME.bridge-in beside the ring: see 'xmem stat NAME'.", ""},
    subcommands = {BridgeCommand.Out.class, BridgeCommand.In.class})
final class BridgeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "Missing direction: 'xmem bridge out NAME ...' (ring to Aeron) or 'xmem bridge in NAME ...' (Aeron to ring)");
    }

    /** Options of both directions. */
    static final class Options {
        @Parameters(index = "0", paramLabel = "NAME", description = "The local ring.")
        String ring;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
            description = "Directory of the ring and its pool (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = {"-c", "--channel"}, required = true, paramLabel = "URI",
            description = "Aeron channel, e.g. aeron:udp?endpoint=10.0.0.2:40456 (unicast), "
                + "aeron:udp?endpoint=224.0.1.1:40456|interface=10.0.0.0/24 (multicast); term-length, mtu, "
                + "rcv-wnd... as Aeron takes them.")
        String channel;

        @Option(names = {"-s", "--stream"}, paramLabel = "ID", defaultValue = "1001",
            description = "Aeron stream id (default: ${DEFAULT-VALUE}).")
        int stream;

        @Option(names = "--aeron-dir", paramLabel = "DIR",
            description = "Use the Aeron media driver running there (also -Daeron.dir); default: an embedded "
                + "driver in a fresh directory under /dev/shm, removed on exit.")
        String aeronDir;

        @Option(names = "--idle", paramLabel = "STRATEGY", defaultValue = "backoff",
            description = "How the bridge waits for work: spin, yield, backoff (default: spin, yield, then park up to "
                + "100 µs) or sleep.")
        String idle;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Print the counters every SECONDS (default: ${DEFAULT-VALUE}); 0: never.")
        double interval;

        @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop by itself after SECONDS (default: run until Ctrl-C).")
        Double duration;

        BridgeConfig config() {
            Supplier<IdleStrategy> strategy = switch (idle) {
                case "spin" -> BusySpinIdleStrategy::new;
                case "yield" -> YieldingIdleStrategy::new;
                case "backoff" -> BridgeConfig::defaultIdle;
                case "sleep" -> () -> new SleepingMillisIdleStrategy(1);
                default -> throw new io.xmem.pool.InvalidConfigException("--idle takes spin, yield, backoff or sleep, not "
                    + idle);
            };
            return BridgeConfig.builder().ring(ring).directory(dir).channel(channel).streamId(stream)
                .aeronDirectory(aeronDir).idle(strategy).build();
        }
    }

    /** What both directions do: launch their kind of bridge and run it in the foreground. */
    abstract static class Direction implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Options options;

        abstract BridgeEndpoint launch(BridgeConfig config);

        @Override
        public Integer call() throws InterruptedException {
            return runInForeground(spec, options, () -> launch(options.config()));
        }
    }

    @Command(name = "out", mixinStandardHelpOptions = true,
        description = "Ring NAME to Aeron: every record's payload (with its timestamp and tag) is sent on the channel.")
    static final class Out extends Direction {
        @Override
        BridgeEndpoint launch(BridgeConfig config) {
            return Egress.launch(config);
        }
    }

    @Command(name = "in", mixinStandardHelpOptions = true,
        description = "Aeron to ring NAME: small messages inline, large ones in buffers of the ring's pool.")
    static final class In extends Direction {
        @Override
        BridgeEndpoint launch(BridgeConfig config) {
            return Ingress.launch(config);
        }
    }

    /** Runs the bridge on this thread, prints its counters from another, and stops it cleanly on Ctrl-C. */
    static int runInForeground(CommandSpec spec, Options options, Supplier<BridgeEndpoint> launch)
        throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (BridgeEndpoint bridge = launch.get()) {
            String role = bridge instanceof Egress ? "egress" : "ingress";
            out.printf("%s of ring '%s' on %s stream %d (Ctrl-C to stop)%n", role, options.ring, options.channel,
                options.stream);
            out.flush();
            Thread hook = new Thread(() -> {
                try {
                    bridge.stopAndAwaitClose(5_000); // the loop returns, the bridge closes: Aeron's directory goes too
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "xmem-bridge-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Thread reporter = Foreground.daemon("xmem-bridge-counters", () -> report(out, options, bridge));
            Foreground.stopAfter(options.duration, bridge::stop);
            bridge.run();
            reporter.interrupt();
            reporter.join(1000);
            print(out, bridge.stats(), null, bridge.isConnected(), 0);
            Foreground.removeHook(hook);
            return XmemCli.OK;
        }
    }

    private static void report(PrintWriter out, Options options, BridgeEndpoint bridge) {
        if (options.interval <= 0) {
            return;
        }
        BridgeStats previous = null;
        try {
            while (true) {
                Thread.sleep((long) (options.interval * 1000));
                BridgeStats now = bridge.stats();
                print(out, now, previous, bridge.isConnected(), options.interval);
                previous = now;
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    static void print(PrintWriter out, BridgeStats s, BridgeStats previous, boolean connected, double seconds) {
        String rate = previous == null ? "" : String.format(" (%.0f msgs/s, %s/s)",
            (s.messages() - previous.messages()) / seconds, Bytes.format((long) ((s.bytes() - previous.bytes()) / seconds)));
        out.printf("%s %s: %d msgs, %s%s, %d chunks, back-pressure %d, drops %d, lost %d, last seq %d%s%n",
            s.role(), connected ? "connected" : "not connected", s.messages(), Bytes.format(s.bytes()), rate,
            s.fragments(), s.backPressured(), s.drops(), s.lost(), s.lastSequence(),
            s.malformed() > 0 ? ", malformed " + s.malformed() : "");
        out.flush();
    }
}
