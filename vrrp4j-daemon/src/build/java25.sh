#!/bin/sh
# java25.sh ARGS...: runs the java of a JDK 25 or newer (the toolchain's, else JAVA_HOME, else the
# system's JDKs) with ARGS: the JDK Maven itself runs on may be older than the classes it built.
set -eu
for home in ${TOOLCHAIN_JAVA_HOME:-} ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -n "$home" ] && [ -x "$home/bin/java" ] || continue
    feature=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
    if [ -n "$feature" ] && [ "$feature" -ge 25 ]; then
        exec "$home/bin/java" "$@"
    fi
done
echo "java25.sh: no JDK 25 or newer found" >&2
exit 1
