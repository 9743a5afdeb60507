package io.xmem.stress.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's CI run: 8 publisher and 8 subscriber JVMs on 4 reliable rings for 20 seconds of
 * publishing (30 to 45 s in all on 2 cores: 16 JVMs start, and the subscribers check every byte
 * eight times over); {@code stress/soak} runs it for 10 minutes. Fails unless every subscriber got
 * every record exactly once and whole, and the pool ends with every buffer free, nothing pinned
 * or held, and no subscriber left.
 */
class SoakTest {
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard: the run bounds its own waits well below this
    void sixteenProcessesLoseDuplicateCorruptAndLeakNothing() {
        Soak.Report report = Soak.run(20);
        System.out.println(report);
        assertTrue(report.records() > 0 && report.references() > 0, "nothing was published: " + report);
        assertTrue(report.clean(), report.toString());
    }
}
