package io.xmem.stress.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The three fuzz targets in one, for the short run in {@code ./mvnw verify}: the input's first
 * byte picks ring files, pool files or bridge chunks. Jazzer fuzzes one target per JVM, and
 * starting its agent costs a JVM on 2 cores far more than the seconds of fuzzing, so one JVM
 * serves all three here; {@code stress/fuzz} runs each target in a JVM of its own, for as long as
 * asked.
 */
class ShortFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void ringPoolAndBridgeInputs(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> RingFileFuzzTest.fuzz(data);
            case 1 -> PoolFileFuzzTest.fuzz(data);
            default -> BridgeChunkFuzzTest.fuzz(data);
        }
    }
}
