package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Java 21 applications embed vrrp-core, failover-spi, failover-netcup, failover-hetzner, keepalived-conf and the testkit
 * (README "Building"): every class each ships, module-info included, must be class-file version 65
 * (Java 21), whatever JDK compiled it. One test for all five, here where all five are on the class path
 * (as target/classes in the reactor, or as jars): each module is found by a class of its own.
 */
class EmbeddableModulesBytecodeTest {
    private static final int JAVA_21 = 65;

    @ParameterizedTest
    @ValueSource(strings = {"org.vrrp4j.core.fsm.VirtualRouter", "org.vrrp4j.failover.FailoverCoordinator",
            "org.vrrp4j.failover.netcup.NetcupProviderFactory", "org.vrrp4j.failover.hetzner.HcloudProviderFactory",
            "org.vrrp4j.keepalived.KeepalivedConfigReader",
            "org.vrrp4j.testkit.lab.NetnsLab"})
    void everyClassOfTheModuleIsJava21Bytecode(String anchor) throws Exception {
        Path where = location(Class.forName(anchor));
        Map<String, Integer> majorByClass = new TreeMap<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                    try (InputStream in = Files.newInputStream(f)) {
                        majorByClass.put(where.relativize(f).toString(), major(in, f.toString()));
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (var e : (Iterable<java.util.jar.JarEntry>) jar.stream()
                        .filter(j -> j.getName().endsWith(".class") && !j.getName().startsWith("META-INF/"))::iterator) {
                    try (InputStream in = jar.getInputStream(e)) {
                        majorByClass.put(e.getName(), major(in, e.getName()));
                    }
                }
            }
        }
        assertThat(majorByClass).as("class files of %s in %s", anchor, where).containsKey("module-info.class")
                .hasSizeGreaterThan(10);
        assertThat(majorByClass).allSatisfy((name, major) -> assertThat(major).as(name).isEqualTo(JAVA_21));
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The class-file major version: bytes 6 and 7, after the magic 0xCAFEBABE and the minor version. */
    private static int major(InputStream in, String name) throws IOException {
        byte[] header = in.readNBytes(8);
        assertThat(header).as(name).hasSize(8).startsWith(0xCA, 0xFE, 0xBA, 0xBE);
        return (header[6] & 0xff) << 8 | header[7] & 0xff;
    }
}
