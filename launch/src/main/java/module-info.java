/** Child JVMs: started on this JVM's java and class path, read line by line, ended with their parent. */
module io.xmem.launch {
    exports io.xmem.launch;
}
