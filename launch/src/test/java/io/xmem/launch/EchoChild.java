package io.xmem.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A child for the launcher's tests, driven by stdin lines: says {@code READY}, then answers
 * {@code ARGS} (its arguments), {@code PROP name}, {@code ENV name}, {@code ERR text} (to stderr,
 * answered on stdout), {@code EXIT code}, {@code HANG} (stops answering) and {@code ON_EXIT text}
 * (prints text from a shutdown hook, after a moment: what a child that writes its results on its way out
 * does); anything else is echoed. Exits 0 when its stdin ends.
 */
public final class EchoChild {
    private EchoChild() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        ParentWatch.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.split(" ", 2);
            String rest = words.length > 1 ? words[1] : "";
            switch (words[0]) {
                case "ARGS" -> System.out.println("args " + String.join(" ", args));
                case "PROP" -> System.out.println("prop " + System.getProperty(rest));
                case "ENV" -> System.out.println("env " + System.getenv(rest));
                case "ERR" -> {
                    System.err.println(rest);
                    System.err.flush();
                    System.out.println("said on stderr");
                }
                case "EXIT" -> System.exit(Integer.parseInt(rest));
                case "HANG" -> Thread.sleep(Long.MAX_VALUE);
                case "ON_EXIT" -> {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            Thread.sleep(500); // writing a report takes a while
                        } catch (InterruptedException ignored) {
                            // printed all the same
                        }
                        System.out.println(rest);
                        System.out.flush();
                    }));
                    System.out.println("hook set");
                }
                default -> System.out.println("echo " + line);
            }
            System.out.flush();
        }
    }
}
