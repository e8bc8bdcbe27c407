package org.vrrp4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The parent POM's default JUnit timeout reaches this module's tests (a class without its own
 * {@code @Timeout} is still bounded): a module whose surefire configuration replaced the parent's
 * {@code <properties>} would lose it silently.
 */
class DefaultTimeoutTest {
    private static volatile String configured;

    @RegisterExtension
    static final BeforeAllCallback READ = context ->
            configured = context.getConfigurationParameter("junit.jupiter.execution.timeout.default").orElse(null);

    @Test
    void theParentPomsDefaultTimeoutApplies() {
        assertThat(configured).as("junit.jupiter.execution.timeout.default").isEqualTo("5 m");
    }
}
