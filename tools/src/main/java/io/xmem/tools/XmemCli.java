package io.xmem.tools;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.InvalidNameException;
import io.xmem.pool.XmemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * The {@code xmem} command: create, list, look at, repair and remove pools and rings, run a ring's bridge,
 * and watch processes hand buffers to each other without copying them.
 *
 * <pre>{@code
 * xmem demo                 # producer JVM -> ring -> 2 subscriber JVMs, by reference, checksums verified
 * xmem create pool frames --class 8MiB:16   # a pool for other processes to open
 * xmem ls                   # the pools and rings in /dev/shm, one line each
 * xmem stat frames --watch  # who is who in pool 'frames' (or ring 'frames'), with rates; --json for scripts
 * xmem reclaim frames       # free what dead processes held
 * xmem rm frames            # delete every file of 'frames': pool, ring, the ring's bridge counters
 * xmem evict video 2        # evict subscriber 2 of ring 'video' (a ring with a subscriber timeout)
 * xmem bench --systems xmem # the cross-process harness of the checkout (perf/bench), progress streamed
 * xmem record md --archive DIR                       # record ring md into an Aeron Archive until Ctrl-C
 * xmem replay --archive DIR --ring md --into md2     # publish the recorded history into ring md2
 * }</pre>
 *
 * <p>Exit codes: 0 success, 1 failure (the message says what to do), 2 usage error (the error and
 * a one-line hint). Build the command line with {@link #commandLine()} so xmem's errors print as
 * one line, without a stack trace.
 */
@Command(name = "xmem",
    mixinStandardHelpOptions = true,
    versionProvider = XmemCli.Version.class,
    description = "Zero-copy inter-process messaging: shared-memory buffer pools passed between processes by token.",
    subcommands = {DemoCommand.class, CreateCommand.class, ListCommand.class, StatCommand.class,
        ReclaimCommand.class, RmCommand.class, EvictCommand.class, BridgeCommand.class, RecordCommand.class,
        RecordingsCommand.class, ReplayCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Start with 'xmem demo'. Pools and rings live in /dev/shm unless --dir says otherwise.",
        "Exit codes: 0 success, 1 failure, 2 usage error."})
public final class XmemCli implements Runnable {
    static final int OK = 0;
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        ParentWatch.start(); // when a launcher started it (as the tests do): leaves with its parent
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@code xmem} runs it: xmem's own errors print their message, exit 1;
     * usage errors print the error and a one-line hint, exit 2 ({@link UsageErrors}).
     */
    public static CommandLine commandLine() {
        CommandLine cli = UsageErrors.install(new CommandLine(new XmemCli()));
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --idle spin
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (!(e instanceof XmemException)) {
                throw e; // a bug in xmem: the stack trace is what a report needs
            }
            if (e instanceof InvalidNameException) { // a name the user typed: a usage error
                return UsageErrors.print(commandLine, e.getMessage());
            }
            PrintWriter err = commandLine.getErr();
            err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            err.flush();
            return FAILED;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'xmem demo'");
    }

    /** The version the shaded jar's manifest carries; "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = XmemCli.class.getPackage().getImplementationVersion();
            return new String[] {"xmem " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
