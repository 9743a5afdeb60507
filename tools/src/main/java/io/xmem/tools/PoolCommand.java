package io.xmem.tools;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** A command on one existing pool, named by NAME and --dir. */
abstract class PoolCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PoolName pool;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
