package dev.cachet.driver;

import java.util.Set;

/**
 * Cached results dropped because something may have changed them, handed to {@link ExecutionListener#onInvalidation}.
 *
 * @param tables the canonical (unqualified, lower-case) table names invalidated; empty when {@code all} is true
 * @param all    true when every cached result of the cluster was dropped
 * @param cause  a short user-readable cause, e.g. {@code "autocommit write"}, {@code "commit"}, {@code "operator"}
 */
public record InvalidationEvent(Set<String> tables, boolean all, String cause) {
}
