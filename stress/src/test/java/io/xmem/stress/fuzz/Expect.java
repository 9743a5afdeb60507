package io.xmem.stress.fuzz;

import io.xmem.pool.XmemException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * The fuzz targets' one rule: whatever a damaged file does to an operation, it ends as a result
 * or as an {@link XmemException}. Anything else (an {@code IndexOutOfBoundsException} from a
 * segment, an {@code IllegalArgumentException} from an FFM access, an {@code ArithmeticException},
 * an error) leaves the target and is the fuzzer's finding. So is a plain {@code XmemException}
 * that only carries one of those as its cause, as a close that collects its children's failures
 * does: that is the unexpected failure passed on, not a judgement of the file. A subclass that
 * names the damage ({@code IncompatibleLayoutException} with an {@code ArithmeticException} from
 * an overflow check, say) is a judgement, whatever its cause.
 */
final class Expect {
    private Expect() {
    }

    /** Runs {@code operation}; null if it failed as xmem says a damaged file must. */
    static <T> T xmem(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (XmemException e) {
            Throwable cause = e.getCause();
            if (e.getClass() == XmemException.class && cause != null && !(cause instanceof XmemException
                || cause instanceof IOException || cause instanceof UncheckedIOException)) {
                throw new AssertionError("an XmemException only passes on " + cause, e);
            }
            return null;
        }
    }

    /** {@link #xmem(Supplier)} for an operation without a result. */
    static void xmem(Runnable operation) {
        xmem(() -> {
            operation.run();
            return Boolean.TRUE;
        });
    }
}
