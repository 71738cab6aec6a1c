package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every interleaving of an abort with the owner's calls — none, one, one nested in another, several in a row —
 * ends the session exactly once, by the abort when no call is under way, else by the call that was; and no call
 * enters after the abort.
 */
class CallsUnderWayTest {

    /** The owner's steps: '(' enters a call, ')' leaves one. */
    private static final List<String> OWNERS = List.of("", "()", "(())", "()()", "(()())", "()(())");

    @Test
    void everyInterleavingEndsTheSessionOnceAndNoCallEntersAfterTheAbort() {
        for (String owner : OWNERS) {
            for (int at = 0; at <= owner.length(); at++) {
                CallsUnderWay calls = new CallsUnderWay();
                int ends = 0;
                int depth = 0;
                int refusedDepth = 0; // calls refused: their exits never come
                boolean aborted = false;
                String where = owner + " with the abort before step " + at;
                for (int i = 0; i <= owner.length(); i++) {
                    if (i == at) {
                        aborted = true;
                        if (calls.abort()) {
                            assertThat(depth).as(where + ": ended by the abort only with no call under way")
                                    .isZero();
                            ends++;
                        }
                    }
                    if (i == owner.length()) {
                        break;
                    }
                    if (owner.charAt(i) == '(') {
                        if (refusedDepth > 0 || !calls.enter()) {
                            assertThat(aborted).as(where + ": refused only after the abort").isTrue();
                            refusedDepth++;
                        } else {
                            depth++;
                        }
                    } else if (refusedDepth > 0) {
                        refusedDepth--;
                    } else {
                        depth--;
                        if (calls.exit()) {
                            assertThat(depth).as(where + ": ended by the outermost call").isZero();
                            ends++;
                        }
                    }
                }
                assertThat(ends).as(where).isEqualTo(1);
            }
        }
    }

    @Test
    void aCallNestedInOneUnderWayAtTheAbortEntersAndLeavesTheEndToTheOuterCall() {
        CallsUnderWay calls = new CallsUnderWay();
        assertThat(calls.enter()).isTrue();
        assertThat(calls.abort()).as("a call is under way").isFalse();
        assertThat(calls.enter()).as("nested in the call under way: refused all the same").isFalse();
        assertThat(calls.exit()).as("the outer call ends the session").isTrue();
        assertThat(calls.enter()).isFalse();
        List<Boolean> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            later.add(calls.enter());
        }
        assertThat(later).containsOnly(false);
    }

    @Test
    void aCallRefusedOnAnotherThreadNeverTakesTheEndFromTheCallTheAbortLeftItTo() {
        CallsUnderWay calls = new CallsUnderWay();
        assertThat(calls.enter()).isTrue(); // the owner's commit
        assertThat(calls.abort()).isFalse();
        assertThat(calls.enter()).as("another thread's call, after the abort").isFalse();
        assertThat(calls.exit()).as("the commit still ends the session").isTrue();
    }
}
