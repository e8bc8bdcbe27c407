package org.vrrp4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.netty.shared.SharedEventLoop;

/**
 * No Netty type in the node's API: every public and protected member of every public type of every
 * package the module exports, {@code org.vrrp4j.netty.shared} excepted (its purpose is to take the
 * application's Netty group), is read by reflection and its signature must not mention an
 * {@code io.netty} type. An application on Netty 4.1 (which has no {@code IoEventLoopGroup}) or on no
 * Netty embeds a node without meeting one. No root.
 */
@Timeout(20)
class PublicApiTest {
    private static final String NETTY_PACKAGE = "org.vrrp4j.netty.shared";

    @Test
    void theExportedPackagesAreTheNodesAndTheSharedLoops() throws IOException {
        assertThat(exportedPackages()).containsExactlyInAnyOrder("org.vrrp4j.netty", NETTY_PACKAGE);
    }

    @Test
    void noPublicSignatureOutsideTheSharedLoopPackageMentionsNetty() throws Exception {
        List<String> mentions = new ArrayList<>();
        int members = 0;
        for (String pkg : exportedPackages()) {
            if (pkg.equals(NETTY_PACKAGE)) {
                continue;
            }
            for (Class<?> type : publicTypes(pkg)) {
                members += nettyMentions(type, mentions);
            }
        }
        assertThat(members).as("members read (VrrpNode, its Builder, NodeListener, RouterStatus, ...)").isGreaterThan(40);
        assertThat(mentions).isEmpty();
    }

    @Test
    void theCheckSeesNettyWhereItIs() {
        List<String> mentions = new ArrayList<>();
        nettyMentions(SharedEventLoop.class, mentions);
        assertThat(mentions).singleElement().asString().contains("builderOn").contains("io.netty.channel.IoEventLoopGroup");
    }

    /** The packages module-info exports to everyone. */
    private static Set<String> exportedPackages() throws IOException {
        try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
            Set<String> out = new HashSet<>();
            ModuleDescriptor.read(in).exports().stream().filter(e -> !e.isQualified()).forEach(e -> out.add(e.source()));
            return out;
        }
    }

    private static Path classes() {
        try {
            return Path.of(VrrpNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Public top-level and nested types of {@code pkg} that are reachable (every enclosing type public too). */
    private static List<Class<?>> publicTypes(String pkg) throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes().resolve(pkg.replace('.', '/')))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".class", "");
                if (name.equals("package-info")) {
                    continue;
                }
                Class<?> c = Class.forName(pkg + "." + name, false, PublicApiTest.class.getClassLoader());
                if (reachable(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static boolean reachable(Class<?> c) {
        for (Class<?> t = c; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    /** Adds each public/protected member of {@code type} whose signature names Netty; returns members read. */
    private static int nettyMentions(Class<?> type, List<String> out) {
        int read = 1;
        List<Type> head = new ArrayList<>(List.of(type.getTypeParameters()));
        if (type.getGenericSuperclass() != null) {
            head.add(type.getGenericSuperclass());
        }
        head.addAll(List.of(type.getGenericInterfaces()));
        report(type.getName() + " (its declaration)", head, out);
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic()) {
                read++;
                List<Type> sig = signature(m);
                sig.add(m.getGenericReturnType());
                report(type.getName() + "." + m.getName(), sig, out);
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                read++;
                report(type.getName() + ".<init>", signature(c), out);
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                read++;
                report(type.getName() + "." + f.getName(), List.of(f.getGenericType()), out);
            }
        }
        return read;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Type> signature(Executable e) {
        List<Type> sig = new ArrayList<>(List.of(e.getTypeParameters()));
        sig.addAll(List.of(e.getGenericParameterTypes()));
        sig.addAll(List.of(e.getGenericExceptionTypes()));
        return sig;
    }

    private static void report(String member, List<Type> types, List<String> out) {
        Set<String> netty = new HashSet<>();
        Set<Type> seen = new HashSet<>();
        types.forEach(t -> collect(t, netty, seen));
        if (!netty.isEmpty()) {
            out.add(member + " mentions " + netty.stream().sorted().toList());
        }
    }

    private static void collect(Type t, Set<String> netty, Set<Type> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        switch (t) {
            case Class<?> c -> {
                Class<?> e = c;
                while (e.isArray()) {
                    e = e.getComponentType();
                }
                if (e.getName().startsWith("io.netty.")) {
                    netty.add(e.getName());
                }
            }
            case ParameterizedType p -> {
                collect(p.getRawType(), netty, seen);
                collect(p.getOwnerType(), netty, seen);
                for (Type a : p.getActualTypeArguments()) {
                    collect(a, netty, seen);
                }
            }
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    collect(b, netty, seen);
                }
                for (Type b : w.getLowerBounds()) {
                    collect(b, netty, seen);
                }
            }
            case TypeVariable<?> v -> {
                for (Type b : v.getBounds()) {
                    collect(b, netty, seen);
                }
            }
            case GenericArrayType a -> collect(a.getGenericComponentType(), netty, seen);
            default -> throw new IllegalStateException("unknown kind of type: " + t);
        }
    }
}
