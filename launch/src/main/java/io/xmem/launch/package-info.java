/**
 * Child JVMs, started one way everywhere: {@link io.xmem.launch.Launcher} starts a
 * {@link io.xmem.launch.JvmCommand} on this JVM's {@code java} and class path and owns the
 * {@link io.xmem.launch.ChildProcess} it gets back (lines read on daemon threads, every wait bounded)
 * and the shared files registered with it; closing it, or this JVM's exit, kills the children and
 * deletes the files. {@link io.xmem.launch.ParentWatch} is the child side, called first in every child
 * main: a child whose parent is gone, even killed with SIGKILL, deletes its parent's files and exits.
 * {@link io.xmem.launch.LineFields} reads the {@code key=value} report lines children print.
 * Plain JDK: the pool, the ring and everything else build on it, never the other way round.
 */
package io.xmem.launch;
