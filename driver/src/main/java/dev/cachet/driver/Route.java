package dev.cachet.driver;

/** Where a statement runs: the cluster's primary, or one of its replicas. */
public enum Route {
    /** The primary (writer): writes, transactions, and everything that must see or change session state. */
    PRIMARY,
    /** A replica (reader): autocommit reads that need nothing from the primary's session. */
    REPLICA
}
