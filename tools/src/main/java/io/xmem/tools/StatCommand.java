package io.xmem.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;

/** {@code xmem stat NAME}: a ring's counters, publishers and subscribers, a pool's size classes and participants. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {"Shows a ring's counters, publishers and subscribers, its bridges, and a pool's size classes and "
        + "participants: who is who.", "",
        "For a ring (NAME.ring): capacity, reliable or lossy, its pool, the tail position, records published, "
            + "times a publisher was back-pressured, times a lossy ring lapped a subscriber; per publication: id, "
            + "exclusive or concurrent, pid, alive, whether it is writing a record now, label; per subscriber: index, "
            + "pid, alive, position, bytes of log still to read, records lost, label.",
        "For a ring's bridges (NAME.bridge-out, NAME.bridge-in): pid, alive, channel, counts.",
        "For a pool (NAME.pool): per size class how many buffers exist, are free, are held by processes, are "
            + "pinned by ring records, and could be reclaimed (held only by dead processes); per participant: "
            + "index, pid, alive, buffers held, when it started, its roles (publisher, subscriber, egress or "
            + "ingress of the rings bound to the pool in DIR) and its label.",
        "A label is the process's -Dxmem.label, else its main class or jar. A pid shown as 12345(1) is 12345 here and "
            + "1 in the process's own PID namespace (a container's), as the kernel's lock table tells.",
        "stat only looks: it maps the files read-only and tests liveness through the lock files, without joining "
            + "the pool or the ring, so it frees nothing and a dead process's buffers stay visible until 'xmem "
            + "reclaim NAME'. Exit 1 if the files are missing, damaged or still being created after 5 s.",
        "With --watch it refreshes in place and adds rates: records/s, bytes/s of log, bytes/s of payload by "
            + "reference (what the references name, which the log's bytes do not show), and each subscriber's "
            + "bytes/s. --json prints one JSON object per look (JSON Lines with --watch).", ""})
final class StatCommand implements Callable<Integer> {
    private static final int MAX_WATCH_SECONDS = 3600;

    @Spec
    CommandSpec spec;

    @Mixin
    ShmName target;

    @Option(names = "--watch", arity = "0..1", fallbackValue = WatchInterval.DEFAULT, paramLabel = "SECONDS",
        preprocessor = WatchInterval.class,
        description = "Refresh every SECONDS (default 1) until interrupted, redrawing in place like top; "
            + "from the second refresh with rates. '--watch NAME' and '--watch 0.5 NAME' both work.")
    Double watch;

    @Option(names = "--json", description = "One JSON object per look, for scripts and monitoring.")
    boolean json;

    /** For tests: stop after this many refreshes. */
    @Option(names = "--iterations", hidden = true)
    int iterations;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (watch != null && (!(watch > 0) || watch > MAX_WATCH_SECONDS)) {
            throw new ParameterException(spec.commandLine(), "--watch takes a refresh interval of more than 0 and "
                + "at most " + MAX_WATCH_SECONDS + " seconds, e.g. --watch=0.5; was " + WatchInterval.format(watch));
        }
        ShmName.Found found = target.find(); // checks the name first: a bad one is a usage error
        if (found.kinds().isEmpty()) {
            throw target.notFound(null);
        }
        boolean terminal = System.console() != null && !json;
        StatLook look = null;
        for (int n = 1; ; n++) {
            // Each refresh looks again from outside: nothing is opened, joined or freed.
            look = StatLook.take(found, target.dir, look);
            if (json) {
                out.println(Json.write(StatJson.of(look)));
            } else {
                if (watch != null) {
                    out.print(terminal ? "\033[H\033[2J" : (n > 1 ? System.lineSeparator() : ""));
                    out.printf("xmem stat %s, every %s s (Ctrl-C to stop), %s%n%n", found.name(),
                        WatchInterval.format(watch), StatText.TIME.format(Instant.now()));
                }
                StatText.print(out, look);
            }
            out.flush();
            if (watch == null || (iterations > 0 && n >= iterations)) {
                return XmemCli.OK;
            }
            Thread.sleep((long) (watch * 1000));
        }
    }

    /**
     * Lets {@code --watch} take an interval only when the next argument is a number: the option's
     * value is optional, and picocli would otherwise take {@code NAME} in {@code --watch NAME} for it.
     */
    static final class WatchInterval implements IParameterPreprocessor {
        static final String DEFAULT = "1";

        @Override
        public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec option, Map<String, Object> info) {
            if (" ".equals(info.get("separator")) && (args.isEmpty() || !isNumber(args.peek()))) {
                args.push(DEFAULT); // no interval given: as if --watch=1
            }
            return false; // picocli goes on and takes the interval from the stack
        }

        private static boolean isNumber(String arg) {
            try {
                Double.parseDouble(arg);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /** An interval as the user would write it: 2, not 2.0. */
        static String format(double seconds) {
            return seconds == Math.rint(seconds) && Math.abs(seconds) < 1e15 ? Long.toString((long) seconds)
                : Double.toString(seconds);
        }
    }
}
