package io.xmem.perf.harness;

import io.xmem.perf.harness.bridge.AeronUdpTransport;
import io.xmem.perf.harness.bridge.XmemBridgeTransport;
import io.xmem.perf.harness.floor.FloorTransport;
import io.xmem.perf.harness.peers.agrona.AgronaRingTransport;
import io.xmem.perf.harness.peers.uds.UdsTransport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every transport the harness can run, by {@link Transport#name()}. The built-in ones are compiled
 * in; the others are found by class name when their classes are on the class path, so the harness
 * builds and runs without them:
 *
 * <ul>
 *   <li>{@value #XMEM_CLASS} — the xmem ring with {@code RingConfig}'s defaults (the baseline of every
 *       ratio once present), and {@value #XMEM_NOWAKE_CLASS}, the same without wake-ups</li>
 *   <li>{@value #AERON_CLASS}</li>
 *   <li>{@value #CHRONICLE_CLASS}</li>
 * </ul>
 *
 * Each needs a public no-arg constructor. Children look transports up here too, so a name means the
 * same class in every process.
 */
public final class Transports {
    public static final String XMEM_CLASS = "io.xmem.perf.harness.xmem.XmemRingTransport";
    public static final String XMEM_NOWAKE_CLASS = "io.xmem.perf.harness.xmem.XmemNoWakeTransport";
    public static final String AERON_CLASS = "io.xmem.perf.harness.peers.aeron.AeronIpcTransport";
    public static final String CHRONICLE_CLASS = "io.xmem.perf.harness.peers.chronicle.ChronicleQueueTransport";

    /** Order of the report's rows and the charts' legend. */
    private static final List<String> CANDIDATES = List.of(
        XMEM_CLASS,
        XMEM_NOWAKE_CLASS,
        FloorTransport.class.getName(),
        AgronaRingTransport.class.getName(),
        AERON_CLASS,
        CHRONICLE_CLASS,
        UdsTransport.class.getName(),
        XmemBridgeTransport.class.getName(),
        AeronUdpTransport.class.getName());

    private static volatile Map<String, Class<? extends Transport>> byName;

    private Transports() {
    }

    /** Names of the transports present, in report order. */
    public static List<String> names() {
        return new ArrayList<>(registry().keySet());
    }

    public static boolean has(String name) {
        return registry().containsKey(name);
    }

    /** A new instance of transport {@code name}; a clear error listing the known names otherwise. */
    public static Transport create(String name) {
        Class<? extends Transport> type = registry().get(name);
        if (type == null) {
            throw new IllegalArgumentException("unknown transport '" + name + "'; known here: " + names());
        }
        return instantiate(type);
    }

    private static Map<String, Class<? extends Transport>> registry() {
        Map<String, Class<? extends Transport>> r = byName;
        if (r == null) {
            r = new LinkedHashMap<>();
            for (String className : CANDIDATES) {
                Class<? extends Transport> type = load(className);
                if (type != null) {
                    r.put(instantiate(type).name(), type);
                }
            }
            byName = r;
        }
        return r;
    }

    private static Class<? extends Transport> load(String className) {
        try {
            return Class.forName(className, false, Transports.class.getClassLoader()).asSubclass(Transport.class);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return null; // not built yet, or its library is missing: simply not offered
        }
    }

    private static Transport instantiate(Class<? extends Transport> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("transport " + type.getName() + " needs a public no-arg constructor", e);
        }
    }
}
