package org.vrrp4j.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java 21 applications embed this module (README "Building"): every class it ships, module-info included,
 * must be class-file version 65 (Java 21), whatever JDK compiled it. Reads the headers in target/classes
 * (surefire runs in the module's directory); the tests themselves are compiled for 25.
 */
@Timeout(30)
class Java21BytecodeTest {
    private static final int JAVA_21 = 65;

    @Test
    void everyMainClassIsJava21Bytecode() throws IOException {
        Path classes = Path.of("target", "classes");
        Map<String, Integer> majorByClass = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                majorByClass.put(classes.relativize(file).toString(), major(file));
            }
        }

        assertThat(majorByClass).as("class files in %s", classes.toAbsolutePath())
                .containsKey("module-info.class").hasSizeGreaterThan(40);
        assertThat(majorByClass).allSatisfy((name, major) -> assertThat(major).as(name).isEqualTo(JAVA_21));
    }

    /** The class-file major version: bytes 6 and 7 after the magic 0xCAFEBABE and the minor version. */
    private static int major(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile)) {
            byte[] header = in.readNBytes(8);
            assertThat(header).as(classFile.toString()).hasSize(8).startsWith(0xCA, 0xFE, 0xBA, 0xBE);
            return (header[6] & 0xff) << 8 | header[7] & 0xff;
        }
    }
}
