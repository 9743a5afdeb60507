package io.xmem.examples;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.XmemException;
import io.xmem.tools.FrameChecker;
import io.xmem.tools.FrameProducer;
import io.xmem.tools.UsageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * The examples' command line: {@code examples/run pingpong | video | market-data | late-join | pipeline |
 * gpu-frames [options]}. Each example starts its processes itself (as hidden role commands of this same
 * main: {@link Roles}; the video's producer and checker are {@code xmem demo}'s, also here as hidden
 * commands), relays what they print with a {@code [role]} prefix, and deletes its shared files when done.
 *
 * <p>Exit codes: 0 the example ran and checked out, 1 it failed (the output says why), 2 usage.
 */
@Command(name = "examples/run", mixinStandardHelpOptions = true,
    description = "Runs one of xmem's examples across real processes.",
    subcommands = {PingPongCommand.class, VideoCommand.class, MarketDataCommand.class, LateJoinCommand.class,
        PipelineCommand.class, GpuFramesCommand.class, Ping.class, Pong.class, FrameProducer.class,
        FrameChecker.class, FrameWriter.class, QuoteFeed.class, Strategy.class, QuoteRecorder.class,
        LateStrategy.class, PipelineDecoder.class, PipelineFilter.class, PipelineRecorder.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  examples/run pingpong                round trips over two rings",
        "  examples/run video                   1080p frames by reference",
        "  examples/run market-data --rate 1000000 --strategies 3",
        "  examples/run late-join --late 3     a strategy started late catches up from the archive",
        "  examples/run pipeline               frames modified in place between processes, no copy",
        "  examples/run gpu-frames --frames 2000   GPU frames by CUDA IPC vs copying (needs a GPU)",
        "", "examples/run NAME --help lists an example's options; examples/README.md shows their output."})
public final class Examples implements Runnable {
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        ParentWatch.start(); // a role process leaves when the example that started it is gone
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given output; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = UsageErrors.install(new CommandLine(new Examples()));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (!(e instanceof XmemException) && !(e instanceof ExampleFailure)) {
                throw e; // a bug: the stack trace is what a report needs
            }
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            commandLine.getErr().flush();
            return FAILED;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "Missing example: pingpong, video, market-data, late-join, pipeline or gpu-frames");
    }

    /** A role process found something wrong: a one-line message, exit 1, no stack trace. */
    static final class ExampleFailure extends RuntimeException {
        ExampleFailure(String message) {
            super(message);
        }
    }
}
