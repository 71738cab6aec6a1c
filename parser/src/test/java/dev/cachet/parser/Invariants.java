package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;

/** The safety rules every answer obeys, whatever the input. */
final class Invariants {

    private Invariants() {
    }

    static void check(StatementInfo info) {
        String c = info.toString();
        if (info.kind() == StatementKind.UNKNOWN) {
            assertThat(info.cacheable()).as("unknown is not cacheable: " + c).isFalse();
            assertThat(info.requiresPrimary()).as("unknown runs on the primary: " + c).isTrue();
            assertThat(info.writesAllTables()).as("unknown writes every table: " + c).isTrue();
            assertThat(info.isWrite()).as("unknown is a write: " + c).isTrue();
        }
        if (info.cacheable()) {
            assertThat(info.kind()).as("only queries are cacheable: " + c).isEqualTo(StatementKind.QUERY);
            assertThat(info.tablesWritten()).as("a cacheable query writes nothing: " + c).isEmpty();
            assertThat(info.writesAllTables()).as(c).isFalse();
            assertThat(info.isWrite()).as(c).isFalse();
            assertThat(info.unknownFunctions()).as("a cacheable query calls no unknown function: " + c).isEmpty();
            assertThat(info.lockingRead()).as(c).isFalse();
            assertThat(info.notCacheableReason()).as(c).isNull();
            assertThat(info.notCacheableDetail()).as(c).isNull();
        } else {
            assertThat(info.notCacheableReason()).as(c).isNotNull();
            assertThat(info.notCacheableDetail()).as(c).isNotBlank();
        }
        if (!info.unknownFunctions().isEmpty()) {
            assertThat(info.writesAllTables()).as(c).isTrue();
            assertThat(info.requiresPrimary()).as(c).isTrue();
        }
        if (info.isWrite()) {
            assertThat(info.requiresPrimary()).as("a write runs on the primary: " + c).isTrue();
        }
        if (info.lockingRead() || info.hints().primary()) {
            assertThat(info.requiresPrimary()).as(c).isTrue();
        }
        assertThat(info.changesSession()).isEqualTo(info.sessionEffect() != null);
        // canonical names are lower-case and not empty (quotes inside a quoted name are legitimate)
        for (String t : info.tablesRead()) {
            assertThat(t).as("canonical name").isNotEmpty().isEqualTo(t.toLowerCase(java.util.Locale.ROOT));
        }
        for (String t : info.tablesWritten()) {
            assertThat(t).as("canonical name").isNotEmpty().isEqualTo(t.toLowerCase(java.util.Locale.ROOT));
        }
    }
}
