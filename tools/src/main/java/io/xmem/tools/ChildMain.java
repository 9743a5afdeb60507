package io.xmem.tools;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.XmemException;
import picocli.CommandLine;

/** The main of a frame stream child: the parent watch, the command line, and "failed: why" on stderr. */
final class ChildMain {
    private ChildMain() {
    }

    /** Runs {@code command} with {@code args} and exits with its code. */
    static void run(Object command, String... args) {
        ParentWatch.start();
        CommandLine cli = new CommandLine(command);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (!(e instanceof XmemException)) {
                throw e; // a bug: the stack trace is what a report needs
            }
            System.err.println("failed: " + e.getMessage());
            return XmemCli.FAILED;
        });
        System.exit(cli.execute(args));
    }
}
