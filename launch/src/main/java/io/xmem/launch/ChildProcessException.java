package io.xmem.launch;

/**
 * A child JVM did not do what its parent waited for: it printed nothing in time, closed its
 * output, or could not be started. The message ends with the child's transcript and stderr
 * ({@link ChildProcess#diagnostics()}), which is what a report of the failure needs.
 */
public final class ChildProcessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChildProcessException(String message) {
        super(message);
    }

    public ChildProcessException(String message, Throwable cause) {
        super(message, cause);
    }
}
