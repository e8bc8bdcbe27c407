package org.vrrp4j.failover.spi;

import java.util.Objects;

/** Where a provider's resource is routed now, as {@link FailoverProvider#locate} found it. */
public sealed interface Location {

    /** Routed to this node. */
    record Here(String detail) implements Location {
        public Here {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Routed elsewhere (or nowhere): this node is not receiving the traffic. */
    record Elsewhere(String detail) implements Location {
        public Elsewhere {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Could not be determined: the lookup failed ({@code failure} says how) or the provider cannot tell. */
    record Unknown(FailoverOutcome failure) implements Location {
        public Unknown {
            Objects.requireNonNull(failure, "failure");
        }
    }
}
