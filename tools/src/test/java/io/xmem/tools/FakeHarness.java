package io.xmem.tools;

import io.xmem.launch.ParentWatch;

/**
 * A stand-in for the benchmark harness in a fake checkout ({@link BenchCommandTest}): prints a progress
 * line and its arguments, then, as {@code -Dfake.harness} says: {@code exit3} exits 3, {@code usage}
 * exits 64 (the harness's usage error), {@code run} runs until stopped and, stopped, writes its
 * "partial report" line from a shutdown hook after a moment, as the real harness does.
 */
final class FakeHarness {
    private FakeHarness() {
    }

    public static void main(String[] args) throws InterruptedException {
        ParentWatch.start();
        System.out.println("[1/2] round-trip-xmem-32B-1sub p50 1.60");
        System.out.println("args: " + String.join(" ", args));
        System.out.flush();
        switch (System.getProperty("fake.harness", "exit3")) {
            case "usage" -> {
                System.err.println("harness: a usage error in " + String.join(" ", args));
                System.exit(64);
            }
            case "run" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Thread.sleep(300); // writing a report takes a moment
                    } catch (InterruptedException ignored) {
                        // written all the same
                    }
                    System.out.println("harness: stopped after 1 of 2 configurations; partial report: fake.md");
                    System.out.flush();
                }));
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> System.exit(3);
        }
    }
}
