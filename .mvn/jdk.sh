# Sourced by ./mvnw: make Maven itself run on a JDK 25 or newer.
# The toolchains plugin compiles and tests with JDK 25 whatever runs Maven, but the jar tool that
# maven-jar-plugin calls in-process cannot read a Java 25 module-info.class when Maven runs on 17.
# Order: JAVA_HOME, then `java` on PATH, then the usual JDK directories. Nothing found: say so.
vrrp4j_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
vrrp4j_pick_jdk() {
  local candidate major
  set +f  # mvnw runs with globbing off; this runs in a subshell
  for candidate in "${JAVA_HOME:-}" \
      "$(command -v java >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v java)")")")" \
      /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(vrrp4j_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if vrrp4j_jdk=$(vrrp4j_pick_jdk); then
  JAVA_HOME=$vrrp4j_jdk
  export JAVA_HOME
else
  echo "vrrp4j: no JDK 25 or newer found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt); install one, e.g. Temurin 25, and set JAVA_HOME" >&2
  exit 1
fi
unset vrrp4j_jdk
