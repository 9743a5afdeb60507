package io.xmem.perf.harness;

import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.launch.ParentWatch;

/**
 * A launcher of the harness for {@link StoppedHarnessTest}, as {@code xmem bench} is one: starts
 * {@link Harness} with its own arguments, relays its lines and says {@code harness PID}; the test
 * kills this JVM with SIGKILL and watches the harness.
 */
final class HarnessParent {
    private HarnessParent() {
    }

    public static void main(String[] args) throws InterruptedException {
        ParentWatch.start(); // the test kills it, but a test JVM that dies first must not leave it behind
        Launcher launcher = new Launcher(); // never closed: this JVM is killed
        var harness = launcher.start(JvmCommand.of(Harness.class)
            .flags("--enable-native-access=ALL-UNNAMED").args(args).mergeErrors()
            .onLine(System.out::println));
        System.out.println("harness " + harness.pid());
        Thread.sleep(Long.MAX_VALUE);
    }
}
