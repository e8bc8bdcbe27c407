#!/bin/sh
# jlink-runtime.sh MODULES OUTPUT: the Debian package's Java runtime, made by the jlink of a JDK 25 or
# newer (the toolchain's, else JAVA_HOME, else the system's JDKs: the JDK Maven runs on may be older).
set -eu
modules=$1
output=$2
for home in ${TOOLCHAIN_JAVA_HOME:-} ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -n "$home" ] && [ -x "$home/bin/jlink" ] && [ -x "$home/bin/java" ] || continue
    feature=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
    if [ -n "$feature" ] && [ "$feature" -ge 25 ]; then
        rm -rf "$output"
        exec "$home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
            --compress zip-6 --output "$output"
    fi
done
echo "jlink-runtime.sh: no JDK 25 or newer with jlink found" >&2
exit 1
