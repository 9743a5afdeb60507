package io.xmem.examples;

import io.xmem.tools.UsageErrors;
import io.xmem.tools.XmemCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every help page of {@code examples/run} and {@code xmem}, hidden role commands included, renders without
 * a picocli warning (issue 15, defect 7: {@code examples/run video --help} printed three, for an unescaped
 * '%' in a description) and names its command.
 */
class HelpPagesTest {
    @Test
    void everyHelpPageRendersWithoutWarnings() {
        List<CommandLine> commands = new ArrayList<>();
        collect(UsageErrors.install(new CommandLine(new Examples())), commands);
        collect(XmemCli.commandLine(), commands);

        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        StringWriter pages = new StringWriter();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8)); // picocli's tracer writes there
        try {
            for (CommandLine command : commands) {
                command.usage(new PrintWriter(pages));
            }
        } finally {
            System.setErr(stderr);
        }

        assertEquals("", warnings.toString(StandardCharsets.UTF_8), "warnings while rendering the help pages");
        for (CommandLine command : commands) {
            assertTrue(pages.toString().contains("Usage: " + command.getCommandSpec().qualifiedName()),
                command.getCommandSpec().qualifiedName());
        }
        assertTrue(commands.size() > 20, "every command, subcommands included: " + commands.size());
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }
}
