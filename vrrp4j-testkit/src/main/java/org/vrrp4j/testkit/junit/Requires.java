package org.vrrp4j.testkit.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class or method that needs {@link Prerequisite}s: without them it is skipped with the reason,
 * and under {@code CI=true} it fails (see {@link Prerequisites}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PrerequisitesExtension.class)
public @interface Requires {
    /** What the test needs. */
    Prerequisite[] value();
}
