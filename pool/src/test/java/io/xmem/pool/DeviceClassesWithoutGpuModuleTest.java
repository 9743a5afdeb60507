package io.xmem.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool module alone has no GPU code: device size classes are served by the xmem-cuda module,
 * found as a service. Without it on the class path (as in this module's tests), a pool with device
 * classes is refused with a message that says what is missing, and leaves no file behind.
 */
class DeviceClassesWithoutGpuModuleTest {
    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    @Test
    void aDevicePoolIsRefusedWithTheReasonAndLeavesNoFiles() {
        PoolConfig config = PoolConfig.builder().sizeClass(4096, 2).deviceSizeClass(1 << 20, 2).build();
        XmemException e = assertThrows(XmemException.class, () -> fx.create(config));
        assertTrue(e.getMessage().contains("CUDA is unavailable") && e.getMessage().contains("xmem-cuda"),
            e.getMessage());
        assertFalse(Files.exists(PoolFixture.poolFile(fx.name())));
        assertFalse(Files.exists(PoolFixture.lockFile(fx.name())));
    }
}
