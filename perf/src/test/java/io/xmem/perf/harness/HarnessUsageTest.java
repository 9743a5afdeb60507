package io.xmem.perf.harness;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long {@code --quick} takes is said in one place (issue 15, defect 7: 2, 3 and 4:09 minutes in three
 * places): the harness's usage, computed from the plan as {@code --dry-run} computes it. The launcher
 * script, its README lines and {@code xmem bench --help} point there instead of carrying a number.
 */
class HarnessUsageTest {
    @Test
    void theUsageStatesTheQuickPlansDurationAsDryRunComputesIt() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Harness.run(new String[] {"--quick", "--dry-run"}, "", new PrintStream(printed, true, StandardCharsets.UTF_8));
        Matcher planned = Pattern.compile("planned about (\\d+:\\d\\d) min:s")
            .matcher(printed.toString(StandardCharsets.UTF_8));
        assertTrue(planned.find(), printed.toString(StandardCharsets.UTF_8));

        assertTrue(Harness.usage().contains("measured per config: planned " + planned.group(1) + " min:s"),
            Harness.usage());
    }

    @Test
    void theScriptAndTheReadmeCarryNoDurationOfTheirOwn() throws IOException {
        // tests run in perf/: the script and the README beside it
        Pattern minutes = Pattern.compile("(about|~) ?\\d+ ?min|\\d+ minutes");
        for (Path file : List.of(Path.of("bench"), Path.of("README.md"))) {
            // the script's comments, and the README's command lines with their continued comments
            List<String> stated = Files.readAllLines(file).stream()
                .filter(line -> line.startsWith("#") || line.startsWith("perf/bench") || line.matches("^\\s+#.*"))
                .filter(line -> minutes.matcher(line).find()).toList();
            assertEquals(List.of(), stated, file + " states how long a preset takes: say 'perf/bench --help'");
        }
    }
}
