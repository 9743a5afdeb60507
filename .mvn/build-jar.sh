# Sourced by the launchers (./xmem, examples/run, perf/bench, perf/jmh, stress/run; POSIX sh) after
# find-jdk.sh: xmem_build_jar MODULE JAR builds MODULE's runnable JAR when it is missing or older
# than what goes into it, and only then.
#   - What goes into it: the pom.xml and src/main of MODULE and of every xmem module it depends on
#     outside test scope, read from the poms (so ./xmem, which is tools/, does not rebuild when only
#     perf or the examples changed, and perf/bench sees bridge/), and the parent pom and the BOM.
#   - One build of a tree at a time: launchers started together take turns on a lock under target/
#     (flock where there is one); the second finds the jar fresh once the first is done.
#   - Progress: a line per module as Maven builds it; the whole log in target/, its errors on failure.
# Expects XMEM_ROOT (the repository) and JAVA_HOME (find-jdk.sh) to be set.

# The xmem modules MODULE's pom depends on outside test scope, one directory name a line.
xmem_module_deps() {
  awk '
    /<exclusions>/ { skip = 1 }
    /<\/exclusions>/ { skip = 0; next }
    skip { next }
    /<dependency>/ { dep = 1; group = ""; artifact = ""; scope = "" }
    dep && /<groupId>/ { group = $0; sub(/.*<groupId>/, "", group); sub(/<\/groupId>.*/, "", group) }
    dep && /<artifactId>/ { artifact = $0; sub(/.*<artifactId>/, "", artifact); sub(/<\/artifactId>.*/, "", artifact) }
    dep && /<scope>/ { scope = $0; sub(/.*<scope>/, "", scope); sub(/<\/scope>.*/, "", scope) }
    /<\/dependency>/ {
      if (dep && group == "io.xmem" && scope != "test" && artifact ~ /^xmem-/) { sub(/^xmem-/, "", artifact); print artifact }
      dep = 0
    }
  ' "$XMEM_ROOT/$1/pom.xml"
}

# MODULE and every xmem module it needs, transitively, separated by spaces.
xmem_module_closure() {
  xmem_todo=$1
  xmem_seen=
  while :; do
    set -- $xmem_todo
    [ $# -gt 0 ] || break
    xmem_next=$1
    shift
    xmem_todo=$*
    case " $xmem_seen " in *" $xmem_next "*) continue ;; esac
    xmem_seen="$xmem_seen $xmem_next"
    xmem_todo="$xmem_todo $(xmem_module_deps "$xmem_next")"
  done
  echo $xmem_seen
}

# Prints the first input of JAR (MODULES given) that is newer than JAR; nothing when JAR is fresh.
xmem_newer_input() {
  xmem_newer_than=$1
  shift
  xmem_inputs="$XMEM_ROOT/pom.xml $XMEM_ROOT/bom/pom.xml"
  for xmem_input in "$@"; do
    xmem_inputs="$xmem_inputs $XMEM_ROOT/$xmem_input/pom.xml $XMEM_ROOT/$xmem_input/src/main"
  done
  # $xmem_inputs is split on purpose: repository paths without spaces, checked by xmem_build_jar.
  # shellcheck disable=SC2086
  find $xmem_inputs -type f -newer "$xmem_newer_than" 2>/dev/null | head -n 1
}

# Holds the tree's build lock until xmem_unlock; says so when it has to wait for another launcher.
xmem_lock() {
  mkdir -p "$XMEM_ROOT/target"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$XMEM_ROOT/target/build.lock"
    if ! flock -n 9; then
      echo "$xmem_label: waiting for another launcher's build of this tree to finish..." >&2
      flock 9
    fi
    return 0
  fi
  # No flock (macOS): a directory is created by one process only; a dead holder's is taken over.
  while ! mkdir "$XMEM_ROOT/target/build.lock.d" 2>/dev/null; do
    xmem_holder=$(cat "$XMEM_ROOT/target/build.lock.d/pid" 2>/dev/null)
    if [ -n "$xmem_holder" ] && ! kill -0 "$xmem_holder" 2>/dev/null; then
      rm -rf "$XMEM_ROOT/target/build.lock.d"
      continue
    fi
    [ -n "${xmem_waiting-}" ] || echo "$xmem_label: waiting for another launcher's build of this tree to finish..." >&2
    xmem_waiting=1
    sleep 1
  done
  echo $$ >"$XMEM_ROOT/target/build.lock.d/pid"
}

xmem_unlock() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>&-
  else
    rm -rf "$XMEM_ROOT/target/build.lock.d"
  fi
}

# Maven's reactor, one line per module as it starts ("  [2/5] xmem pool"), the rest to LOG.
xmem_maven() {
  xmem_maven_log=$1
  shift
  xmem_status="$xmem_maven_log.status"
  { (cd "$XMEM_ROOT" && ./mvnw -B "$@" 2>&1); echo $? >"$xmem_status"; } | while IFS= read -r xmem_line; do
    printf '%s\n' "$xmem_line" >>"$xmem_maven_log"
    case $xmem_line in
      "[INFO] Building xmem "*)
        xmem_step=$(printf '%s\n' "$xmem_line" | sed -n 's/^\[INFO\] Building \(xmem[a-z ]*\) [^ ]* *\(\[[0-9]*\/[0-9]*\]\)$/\2 \1/p')
        [ -z "$xmem_step" ] || echo "  $xmem_step" >&2
        ;;
    esac
  done
  return "$(cat "$xmem_status")"
}

# Builds JAR (relative to the repository) with MODULE's reactor when it is missing or stale.
# LABEL names the launcher in messages. Exits the launcher when the build fails.
xmem_build_jar() {
  xmem_label=$1
  xmem_module=$2
  xmem_jar="$XMEM_ROOT/$3"
  case $XMEM_ROOT in *" "*)
    echo "$xmem_label: the repository's path has a space in it ($XMEM_ROOT); Maven's wrapper needs one without" >&2
    exit 1 ;;
  esac
  xmem_modules=$(xmem_module_closure "$xmem_module")
  # shellcheck disable=SC2086
  if [ -f "$xmem_jar" ] && [ -z "$(xmem_newer_input "$xmem_jar" $xmem_modules)" ]; then
    return 0
  fi
  xmem_lock
  # shellcheck disable=SC2086
  if [ -f "$xmem_jar" ] && [ -z "$(xmem_newer_input "$xmem_jar" $xmem_modules)" ]; then
    xmem_unlock # another launcher built it while we waited
    return 0
  fi
  if [ -f "$xmem_jar" ]; then
    echo "$xmem_label: sources changed, rebuilding $3 ($xmem_modules)..." >&2
  else
    echo "$xmem_label: building $3 (first run, about a minute on 2 cores)..." >&2
  fi
  xmem_log="$XMEM_ROOT/target/build-$xmem_module.log"
  : >"$xmem_log"
  xmem_started=$(date +%s)
  # A launcher needs the jar, not the libraries' Javadoc and sources jars (./mvnw verify builds those).
  if ! xmem_maven "$xmem_log" -pl "$xmem_module" -am package -DskipTests -Dmaven.javadoc.skip=true \
      -Dmaven.source.skip=true; then
    xmem_unlock
    grep '^\[ERROR\]' "$xmem_log" | sed '/-> \[Help 1\]/q' | head -n 40 >&2
    echo "$xmem_label: the build failed (messages above; the whole log: $xmem_log)." >&2
    exit 1
  fi
  xmem_unlock
  echo "$xmem_label: built $3 in $(($(date +%s) - xmem_started)) s" >&2
}
