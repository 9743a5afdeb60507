package io.xmem.launch;

/**
 * The worst child to leave behind, as the examples' busy-spinning subscribers are: never reads
 * its stdin, never sleeps. Only {@link ParentWatch} ends it once its parent is gone.
 */
public final class SpinningChild {
    private SpinningChild() {
    }

    public static void main(String[] args) {
        ParentWatch.start();
        System.out.println("spinning");
        System.out.flush();
        while (true) {
            Thread.onSpinWait();
        }
    }
}
