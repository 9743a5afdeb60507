package io.xmem.perf.harness.bridge;

import io.xmem.bridge.BridgeConfig;
import io.xmem.bridge.BridgeEndpoint;
import io.xmem.bridge.Egress;
import io.xmem.bridge.Ingress;
import io.xmem.launch.ParentWatch;
import io.xmem.perf.harness.Idle;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.function.Supplier;

/**
 * One side of the bridge of a run, in its own JVM:
 * {@code BridgeNode egress|ingress RING CHANNEL STREAM AERON_DIR IDLE} (IDLE: spin, backoff, agrona-backoff).
 * Prints {@value #READY} once launched; runs until SIGTERM, or until the harness that started it is gone
 * ({@link ParentWatch}).
 */
public final class BridgeNode {
    static final String READY = "bridge-node-ready";

    private BridgeNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        ParentWatch.start(); // its exit runs the shutdown hook below, which closes the bridge
        // backoff: the bridge's own default (its settings are part of what is measured); spin: the run's spin;
        // agrona-backoff (-Dxmem.perf.bridge.idle on the harness): Agrona's defaults, parking up to 1 ms.
        Supplier<IdleStrategy> idle = switch (args[5]) {
            case "agrona-backoff" -> BackoffIdleStrategy::new;
            case "spin" -> Idle.SPIN::strategy;
            default -> BridgeConfig::defaultIdle;
        };
        BridgeConfig config = BridgeConfig.builder().ring(args[1]).channel(args[2]).streamId(Integer.parseInt(args[3]))
            .aeronDirectory(args[4]).idle(idle).build();
        BridgeEndpoint bridge = args[0].equals("egress") ? Egress.launch(config) : Ingress.launch(config);
        Thread worker = new Thread(() -> {
            try {
                bridge.run();
            } finally {
                bridge.close();
            }
        }, "bridge-" + args[0]);
        worker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                bridge.stopAndAwaitClose(5_000);
            } catch (InterruptedException ignored) { // exiting anyway
            }
        }, "bridge-node-stop"));
        System.out.println(READY);
        System.out.flush();
        worker.join();
        System.exit(0); // the bridge ended by itself: the shutdown hook has nothing left to do
    }
}
