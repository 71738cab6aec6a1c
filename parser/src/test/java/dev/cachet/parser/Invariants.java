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
        checkPins(info, c);
    }

    /** Pins exist only for plain single-table statements, and say nothing a reader could misapply. */
    private static void checkPins(StatementInfo info, String c) {
        RowPins p = info.rowPins();
        if (p == null) {
            return;
        }
        assertThat(info.writesAllTables()).as("a statement that writes every table has no pins: " + c).isFalse();
        assertThat(info.lockingRead()).as("a locking read has no pins: " + c).isFalse();
        String table = p.table();
        assertThat(table).as(c).isNotEmpty().isEqualTo(table.toLowerCase(java.util.Locale.ROOT));
        switch (info.kind()) {
            case QUERY:
                assertThat(info.tablesRead()).as("a query with pins reads one table: " + c).containsExactly(table);
                assertThat(info.tablesWritten()).as(c).isEmpty();
                break;
            case UPDATE:
            case DELETE:
            case INSERT:
            case MERGE:
                assertThat(info.tablesWritten()).as("a write with pins writes one table: " + c).containsExactly(table);
                break;
            default:
                throw new AssertionError("pins on a " + info.kind() + " statement: " + c);
        }
        boolean insert = info.kind() == StatementKind.INSERT || info.kind() == StatementKind.MERGE;
        if (insert) {
            assertThat(p.pinnedColumns()).as(c).isEmpty();
            assertThat(p.insertedRows()).as(c).isNotEmpty();
            assertThat(p.insertedColumns()).as(c).isNotEmpty();
            assertThat(p.isUpsert()).as("MERGE is exactly an upsert: " + c).isEqualTo(info.kind() == StatementKind.MERGE);
            for (java.util.Map<String, PinnedValue> row : p.insertedRows()) {
                assertThat(p.insertedColumns()).as(c).containsAll(row.keySet());
            }
        } else {
            assertThat(p.pinnedColumns()).as("a WHERE with pins pins a column: " + c).isNotEmpty();
            assertThat(p.insertedRows()).as(c).isEmpty();
            assertThat(p.isUpsert()).as(c).isFalse();
            assertThat(p.conflictColumns()).as(c).isEmpty();
            if (info.kind() != StatementKind.UPDATE) {
                assertThat(p.assignedColumns()).as(c).isEmpty();
            }
            for (String column : p.pinnedColumns()) {
                assertThat(p.whereKeys(java.util.List.of(column))).as(c).isNotNull();
            }
        }
        java.util.Set<String> columns = new java.util.HashSet<>(p.pinnedColumns());
        columns.addAll(p.assignedColumns());
        columns.addAll(p.insertedColumns());
        for (String column : columns) {
            assertThat(column).as("canonical column: " + c).isNotEmpty()
                    .isEqualTo(column.toLowerCase(java.util.Locale.ROOT));
        }
    }
}
