package io.xmem.archive;

/** Placeholder until the cross-process tests. */
final class ArchiveChild {
    private ArchiveChild() {
    }

    public static void main(String[] args) {
        System.out.println("READY " + ProcessHandle.current().pid());
    }
}
