package org.vrrp4j.testkit.junit;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Checks {@link Requires} before a class's first test and before each annotated method. */
public final class PrerequisitesExtension implements BeforeAllCallback, BeforeEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        check(context.getElement());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getTestMethod().ifPresent(m -> check(Optional.of(m)));
    }

    private static void check(Optional<? extends AnnotatedElement> element) {
        element.flatMap(e -> AnnotationSupport.findAnnotation(e, Requires.class))
                .ifPresent(r -> Prerequisites.require(r.value()));
    }
}
