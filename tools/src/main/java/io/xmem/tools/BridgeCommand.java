package io.xmem.tools;

import io.aeron.exceptions.AeronException;
import io.xmem.bridge.BridgeConfig;
import io.xmem.bridge.BridgeEndpoint;
import io.xmem.bridge.BridgeStats;
import io.xmem.bridge.Egress;
import io.xmem.bridge.Ingress;
import io.xmem.pool.XmemException;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
        throw new ParameterException(spec.commandLine(), "Missing direction: 'xmem bridge out NAME ...' (ring to "
            + "Aeron) or 'xmem bridge in NAME ...' (Aeron to ring)");
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
        Waiting idle;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Print the counters every SECONDS (default: ${DEFAULT-VALUE}); 0: never.")
        double interval;

        @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop by itself after SECONDS (default: run until Ctrl-C).")
        Double duration;

        /** The bridge's configuration; a value BridgeConfig rejects is a usage error. */
        BridgeConfig config(CommandSpec spec) {
            return UsageErrors.configured(spec.commandLine(), () -> BridgeConfig.builder().ring(ring).directory(dir)
                .channel(channel).streamId(stream).aeronDirectory(aeronDir).idle(idle.strategy).build());
        }
    }

    /** {@code --idle}: Agrona's idle strategies by the names the option takes. */
    enum Waiting {
        SPIN(BusySpinIdleStrategy::new),
        YIELD(YieldingIdleStrategy::new),
        BACKOFF(BridgeConfig::defaultIdle),
        SLEEP(() -> new SleepingMillisIdleStrategy(1));

        private final Supplier<IdleStrategy> strategy;

        Waiting(Supplier<IdleStrategy> strategy) {
            this.strategy = strategy;
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
            BridgeConfig config = options.config(spec);
            return runInForeground(spec, options, () -> {
                try {
                    return launch(config);
                } catch (AeronException e) {
                    throw new XmemException(aeronRefused(spec.name(), config, e), e);
                }
            });
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

    /**
     * One line for what Aeron refused when the bridge started, instead of its stack trace: usually a
     * UDP port another process has (an egress's control port, an ingress's endpoint).
     */
    static String aeronRefused(String direction, BridgeConfig config, AeronException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // "ERROR - io.aeron.exceptions.AeronException : ERROR - channel error - Address already in use (at ...)"
        why = why.replaceAll("(ERROR - )?[\\w.]+Exception : ", "").replace("ERROR - ", "")
            .replaceAll(" \\(at [^)]*\\)+", "").replaceAll(", errorCodeValue=\\d+$", "");
        String advice = why.contains("Address already in use")
            ? ": another process has that UDP port (a bridge still running? 'xmem ls' shows bridges); "
                + "choose another port in --channel or stop that process"
            : "";
        return "Aeron refused to " + (direction.equals("in") ? "receive on " : "send on ") + config.channel()
            + " stream " + config.streamId() + ": " + why + advice;
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
            (s.messages() - previous.messages()) / seconds,
            Bytes.format((long) ((s.bytes() - previous.bytes()) / seconds)));
        out.printf("%s %s: %d msgs, %s%s, %d chunks, back-pressure %d, drops %d, lost %d, last seq %d%s%n",
            s.role(), connected ? "connected" : "not connected", s.messages(), Bytes.format(s.bytes()), rate,
            s.fragments(), s.backPressured(), s.drops(), s.lost(), s.lastSequence(),
            s.malformed() > 0 ? ", malformed " + s.malformed() : "");
        out.flush();
    }
}
