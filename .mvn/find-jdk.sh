# Sourced by ./mvnw and ./xmem (POSIX sh): points JAVA_HOME at a JDK 25 or newer, so the
# project builds and runs on a machine whose default java is older. Order: XMEM_JAVA_HOME,
# then JAVA_HOME, then the usual install places. Stops with advice when none is found.
xmem_jdk_major() {
  [ -f "$1/release" ] && [ -x "$1/bin/javac" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}
xmem_find_jdk() {
  xmem_noglob=$(case $- in *f*) echo 1;; esac)
  set +f
  for xmem_home in "${XMEM_JAVA_HOME-}" "${JAVA_HOME-}" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
      "${HOME-}"/.jdks/* "${HOME-}"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$xmem_home" ] && [ -d "$xmem_home" ] || continue
    xmem_major=$(xmem_jdk_major "$xmem_home")
    if [ -n "$xmem_major" ] && [ "$xmem_major" -ge 25 ]; then
      JAVA_HOME="$xmem_home"
      export JAVA_HOME
      [ -z "$xmem_noglob" ] || set -f
      return 0
    fi
  done
  [ -z "$xmem_noglob" ] || set -f
  echo "xmem needs a JDK 25 or newer and found none (looked at XMEM_JAVA_HOME, JAVA_HOME, /usr/lib/jvm, /opt/java, ~/.jdks, ~/.sdkman)." >&2
  echo "Install one, e.g. 'apt-get install openjdk-25-jdk' or Eclipse Temurin 25, or set XMEM_JAVA_HOME to its directory." >&2
  return 1
}
xmem_find_jdk || exit 1
