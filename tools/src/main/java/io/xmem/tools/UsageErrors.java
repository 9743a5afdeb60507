package io.xmem.tools;

import io.xmem.pool.InvalidConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Supplier;

/**
 * How the {@code xmem} command and {@code examples/run} answer a command line they cannot take:
 * the error on one line, a one-line hint where the help is, exit code 2. The whole help page under
 * the error buried the one line that mattered.
 *
 * <pre>{@code
 * $ xmem stat
 * xmem stat: Missing required parameter: 'NAME'
 * Try 'xmem stat --help' for the options.
 * }</pre>
 */
public final class UsageErrors {
    private UsageErrors() {
    }

    /** Makes {@code cli} and its subcommands print usage errors as the error and a one-line hint. */
    public static CommandLine install(CommandLine cli) {
        cli.setParameterExceptionHandler((e, args) -> print(e.getCommandLine(), e.getMessage() + suggestion(e)));
        return cli;
    }

    /** Prints {@code message} as a usage error of {@code command}; returns the exit code for it (2). */
    public static int print(CommandLine command, String message) {
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + message);
        err.println("Try '" + name + " --help' for the options.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * What {@code build} makes from values the user typed; a value it rejects ({@link InvalidConfigException}
     * from a pool's, ring's or bridge's builder) is a usage error of {@code command}, not a failure.
     *
     * <pre>{@code
     * RingConfig config = UsageErrors.configured(spec.commandLine(), () -> RingConfig.builder().capacity(c).build());
     * }</pre>
     */
    public static <T> T configured(CommandLine command, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidConfigException e) {
            throw new ParameterException(command, e.getMessage());
        }
    }

    /** " (did you mean --dir?)" for a mistyped option picocli knows a near match of, else "". */
    private static String suggestion(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                return " (did you mean " + String.join(" or ", suggestions) + "?)";
            }
        }
        return "";
    }
}
