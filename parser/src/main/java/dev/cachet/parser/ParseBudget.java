package dev.cachet.parser;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How long one analysis may parse: the caller waits at most {@code budget}; a parse still running then
 * may go on in the background until {@code limit} (from its start), and its answer is handed to
 * {@code lateAnswer} (null: no late answer is wanted, the parse is stopped at the budget).
 */
record ParseBudget(Duration budget, Duration limit, Consumer<StatementInfo> lateAnswer) {

    /** The same budget without a late answer (nested statements, unmemoized analysis). */
    ParseBudget withoutLateAnswer() {
        return lateAnswer == null ? this : new ParseBudget(budget, limit, null);
    }

    /** Whether a parse past the budget may go on in the background. */
    boolean allowsLateAnswer() {
        return lateAnswer != null && limit.compareTo(budget) > 0;
    }
}
