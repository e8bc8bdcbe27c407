package org.vrrp4j.failover;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the credential checks of one provider binding found so far ({@link FailoverCoordinator#checks()}), an
 * immutable snapshot for status pages and metrics. Messages come from providers, which keep secrets out of them.
 *
 * @param router             the router the provider is bound to
 * @param resource           the provider's resource
 * @param lastSuccess        when a check last proved the credentials
 * @param lastSuccessDetail  what that check proved
 * @param lastFailure        when a check last failed
 * @param lastFailureMessage why it failed
 * @param expires            when the credentials expire unless used, as of the last successful check (when the
 *                           provider knows)
 * @param failures           failed checks since the binding started
 * @param failuresInARow     failed checks since the last success (0: healthy or not checked yet)
 * @param running            whether a check runs now
 * @param nextCheck          when the next check is due, if one is armed
 */
public record CheckStatus(String router, String resource, Optional<Instant> lastSuccess, Optional<String> lastSuccessDetail,
        Optional<Instant> lastFailure, Optional<String> lastFailureMessage, Optional<Instant> expires, long failures,
        int failuresInARow, boolean running, Optional<Instant> nextCheck) {
    public CheckStatus {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(lastSuccess, "lastSuccess");
        Objects.requireNonNull(lastSuccessDetail, "lastSuccessDetail");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(lastFailureMessage, "lastFailureMessage");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(nextCheck, "nextCheck");
        if (failures < 0 || failuresInARow < 0 || failuresInARow > failures) {
            throw new IllegalArgumentException("need 0 <= failuresInARow <= failures");
        }
    }

    /** Not checked yet. */
    static CheckStatus initial(String router, String resource) {
        return new CheckStatus(router, resource, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, 0, false, Optional.empty());
    }

    /** Whether the last finished check proved the credentials (false before the first one). */
    public boolean healthy() {
        return lastSuccess.isPresent() && failuresInARow == 0;
    }
}
