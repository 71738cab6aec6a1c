package dev.cachet.driver.catalog;

import dev.cachet.parser.Dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The hidden-write graph of one database (DESIGN §6): which tables a write to a table changes besides itself.
 * Immutable; every answer is precomputed, so {@link #affectedBy} and {@link #writesEverything} are map look-ups.
 *
 * <p>Two kinds of edge are kept apart, because they propagate differently:
 * <ul>
 *   <li><b>write edges</b> — a write to A <em>is</em> a write to B: a cascading foreign key from parent A to child B
 *       ({@code ON DELETE/UPDATE CASCADE / SET NULL / SET DEFAULT}), a partitioned or inheritance parent A routing to
 *       its child B, a write through a view A to its base table B, a PostgreSQL rule on A touching B, and the edges of
 *       {@code cachet.dependencies}. B's own edges and triggers then apply too.</li>
 *   <li><b>content edges</b> — a change to A changes what B returns, without writing B: a view B reading A, a
 *       parent B of a partition or inheritance child A. They follow only content edges onward, so a write to one
 *       partition invalidates its parent but not its sibling partitions.</li>
 * </ul>
 * {@code affectedBy(T)} is the content closure of the write closure of T. {@code writesEverything(T)} holds when any
 * table in T's write closure has a trigger whose effects Cachet cannot see — unless {@code cachet.dependencies} has
 * an entry for that table, which is then trusted to list what the trigger writes ({@code table:*} = everything).
 *
 * <p>All names are canonical (DESIGN §4): unqualified, unquoted, lower-case; tables of the same name in different
 * schemas are one node, which can only over-invalidate. Tables unknown to the graph (created after it was read)
 * affect only themselves, plus the views that read every table.
 */
public final class TableDependencies {

    private static final TableDependencies NONE = new Builder().build();

    private final Map<String, Set<String>> affected;
    private final Set<String> writesEverything;
    /** Affected by a write to any table: views Cachet cannot see through, and what they feed. */
    private final Set<String> alwaysAffected;
    private final boolean everyTableWritesEverything;
    /** Every table and view the catalog listed, canonical. */
    private final Set<String> tables;
    /** Tables a write to which writes nothing else: no write edge out, not written through, not configured. */
    private final Set<String> isolated;

    private TableDependencies(Map<String, Set<String>> affected, Set<String> writesEverything,
                              Set<String> alwaysAffected, boolean everyTableWritesEverything, Set<String> tables,
                              Set<String> isolated) {
        this.isolated = isolated;
        this.affected = affected;
        this.writesEverything = writesEverything;
        this.alwaysAffected = alwaysAffected;
        this.everyTableWritesEverything = everyTableWritesEverything;
        this.tables = tables;
    }

    /**
     * True when a write to any table reaches the same tables under {@code other} as under this: the same edges, the
     * same tables whose writes reach everything. Tables added or dropped without edges do not count.
     */
    public boolean sameEdges(TableDependencies other) {
        return other == this || other != null && everyTableWritesEverything == other.everyTableWritesEverything
                && affected.equals(other.affected) && writesEverything.equals(other.writesEverything)
                && alwaysAffected.equals(other.alwaysAffected);
    }

    /**
     * Reads the graph from the live catalog of {@code connection}'s database.
     *
     * <p>H2: views (their stored definitions, matched against the catalog's table names), cascading foreign keys,
     * triggers. PostgreSQL: views ({@code pg_depend} of their rewrite rule), cascading foreign keys, partitions and
     * inheritance, rules, triggers whose function is not built in. MySQL/MariaDB: views (definitions as for H2),
     * cascading foreign keys, triggers. Other databases: views read every table, and every table counts as having
     * a trigger Cachet cannot see (its writes invalidate everything) unless {@code configured} covers it.
     * A view whose definition is hidden or calls a user-defined function reads every table.
     *
     * @param configured {@code cachet.dependencies}: canonical table → tables its writes change ({@code *} = every
     *                   table); an entry also vouches for that table's triggers
     * @throws SQLException the real driver's exception when a catalog query fails
     */
    public static TableDependencies read(Connection connection, Dialect dialect, Map<String, Set<String>> configured)
            throws SQLException {
        Builder b = new Builder();
        switch (dialect) {
            case H2:
                H2Catalog.read(connection, b);
                break;
            case POSTGRESQL:
                PostgresCatalog.read(connection, b);
                break;
            case MYSQL:
                MySqlCatalog.read(connection, b);
                break;
            default:
                GenericCatalog.read(connection, b);
                break;
        }
        b.configured(configured);
        return b.build();
    }

    /** The graph without edges: every table affects only itself and never writes everything. */
    public static TableDependencies none() {
        return NONE;
    }

    /** Only {@code cachet.dependencies}, for a database whose catalog is not read. */
    public static TableDependencies configuredOnly(Map<String, Set<String>> configured) {
        return new Builder().configured(configured).build();
    }

    /** A graph built by hand (tests, wrapped data sources). */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code table} itself plus every table a write to it changes; {@code table} must be canonical. */
    public Set<String> affectedBy(String table) {
        Set<String> s = affected.get(table);
        if (s != null) {
            return s;
        }
        if (alwaysAffected.isEmpty()) {
            return Set.of(table);
        }
        Set<String> result = new HashSet<>(alwaysAffected);
        result.add(table);
        return Set.copyOf(result);
    }

    /** True when a write to {@code table} may change any table: a trigger Cachet cannot see through, not configured. */
    public boolean writesEverything(String table) {
        return everyTableWritesEverything ? !affected.containsKey(table) || writesEverything.contains(table)
                : writesEverything.contains(table);
    }

    /** True when a write to any of {@code tables} may change any table. */
    public boolean writesEverything(Collection<String> tables) {
        for (String t : tables) {
            if (writesEverything(t)) {
                return true;
            }
        }
        return false;
    }

    /** The union of {@link #affectedBy} over {@code written}: what an invalidation for those writes must cover. */
    public Set<String> expand(Set<String> written) {
        if (written.size() == 1) {
            return affectedBy(written.iterator().next());
        }
        Set<String> all = new HashSet<>();
        for (String t : written) {
            all.addAll(affectedBy(t));
        }
        return all;
    }

    /**
     * True when a write to {@code table} writes no other table: no write edge leaves it (cascading foreign key,
     * partitioned or inheritance parent, rule, a view written through), no trigger Cachet cannot see through, no
     * {@code cachet.dependencies} entry. (Writes that reach it through an edge invalidate it whole.) Row-precise invalidation (DESIGN §13) needs this.
     */
    public boolean isolated(String table) {
        return isolated.contains(table);
    }

    /** Number of tables and views the graph knows. */
    public int tableCount() {
        return tables.size();
    }

    /** Whether the catalog listed {@code table} (canonical) when the graph was read. */
    public boolean knows(String table) {
        return tables.contains(table);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TableDependencies{");
        boolean first = true;
        for (Map.Entry<String, Set<String>> e : new java.util.TreeMap<>(affected).entrySet()) {
            if (e.getValue().size() > 1 || writesEverything.contains(e.getKey())) {
                sb.append(first ? "" : ", ").append(e.getKey()).append("->")
                        .append(new java.util.TreeSet<>(e.getValue()));
                if (writesEverything.contains(e.getKey())) {
                    sb.append("+everything");
                }
                first = false;
            }
        }
        if (!alwaysAffected.isEmpty()) {
            sb.append(first ? "" : ", ").append("always->").append(new java.util.TreeSet<>(alwaysAffected));
        }
        return sb.append('}').toString();
    }

    /**
     * Collects tables and edges, then {@link #build()}s the immutable graph. Names given here are canonicalized
     * (lower-cased); qualified names are not split — pass the table name alone.
     */
    public static final class Builder {
        private final Set<String> tables = new HashSet<>();
        private final Map<String, Set<String>> writeEdges = new HashMap<>();
        private final Map<String, Set<String>> contentEdges = new HashMap<>();
        private final Set<String> opaque = new HashSet<>();
        private final Set<String> readsEverything = new HashSet<>();
        private final Set<String> configuredTables = new HashSet<>();
        private final Set<String> starTables = new HashSet<>();
        private boolean everyTableOpaque;

        private Builder() {
        }

        /** A table or view the database has. */
        public Builder table(String name) {
            tables.add(canonical(name));
            return this;
        }

        /** A write to {@code from} is a write to {@code to} (cascade, routing, rule, write through a view). */
        public Builder writeEdge(String from, String to) {
            return edge(writeEdges, from, to);
        }

        /** A change to {@code from} changes what {@code to} returns (a view reading it, a parent of a partition). */
        public Builder contentEdge(String from, String to) {
            return edge(contentEdges, from, to);
        }

        /** View {@code view} reads {@code base}: a change to base changes the view; a write through it writes base. */
        public Builder view(String view, String base) {
            contentEdge(base, view);
            return writeEdge(view, base);
        }

        /** {@code child} is a partition or inheritance child of {@code parent}. */
        public Builder child(String parent, String child) {
            writeEdge(parent, child);
            return contentEdge(child, parent);
        }

        /** A cascading foreign key: a write to {@code parent} may write {@code child}. */
        public Builder cascade(String parent, String child) {
            return writeEdge(parent, child);
        }

        /** {@code table} has a trigger (or rule) whose effects Cachet cannot see. */
        public Builder opaque(String table) {
            opaque.add(table(table, true));
            return this;
        }

        /**
         * View {@code view} may read any table (hidden definition, user-defined function): a change to any table
         * changes it, and a write through it may write any table.
         */
        public Builder readsEverything(String view) {
            readsEverything.add(table(view, true));
            opaque.add(table(view, true));
            return this;
        }

        /** Every table counts as opaque unless configured (a database whose triggers Cachet cannot list). */
        public Builder everyTableOpaque() {
            everyTableOpaque = true;
            return this;
        }

        /** Applies {@code cachet.dependencies}: its edges, and its vouching for the listed tables' triggers. */
        public Builder configured(Map<String, Set<String>> configured) {
            if (configured == null) {
                return this;
            }
            for (Map.Entry<String, Set<String>> e : configured.entrySet()) {
                String from = table(e.getKey(), true);
                configuredTables.add(from);
                for (String to : e.getValue()) {
                    if (to.equals("*")) {
                        opaque.add(from);
                        starTables.add(from);
                    } else {
                        writeEdge(from, to);
                    }
                }
            }
            return this;
        }

        /** The immutable graph with its closures computed. */
        public TableDependencies build() {
            Set<String> reallyOpaque = new HashSet<>(opaque);
            for (String t : configuredTables) { // configuration vouches, unless it says '*' itself
                if (!configuredStar(t)) {
                    reallyOpaque.remove(t);
                }
            }
            Set<String> always = contentClosure(readsEverything);
            Map<String, Set<String>> affected = new HashMap<>();
            Set<String> writesAll = new HashSet<>();
            for (String t : tables) {
                Set<String> written = closure(Set.of(t), writeEdges);
                Set<String> result = contentClosure(written);
                result.addAll(always);
                affected.put(t, Set.copyOf(result));
                for (String w : written) {
                    boolean opaqueHere = reallyOpaque.contains(w)
                            || (everyTableOpaque && !configuredTables.contains(w));
                    if (opaqueHere) {
                        writesAll.add(t);
                        break;
                    }
                }
            }
            Set<String> isolated = new HashSet<>();
            for (String t : tables) {
                // a table written through an edge (a cascade's child, a view's base) is fine: that write bumps it whole
                if (!writeEdges.containsKey(t) && !writesAll.contains(t)
                        && !configuredTables.contains(t) && !opaque.contains(t) && !everyTableOpaque) {
                    isolated.add(t);
                }
            }
            return new TableDependencies(Map.copyOf(affected), Set.copyOf(writesAll), Set.copyOf(always),
                    everyTableOpaque, Set.copyOf(tables), Set.copyOf(isolated));
        }

        private boolean configuredStar(String t) {
            return starTables.contains(t);
        }

        private Set<String> contentClosure(Set<String> start) {
            return closure(start, contentEdges);
        }

        private static Set<String> closure(Set<String> start, Map<String, Set<String>> edges) {
            Set<String> seen = new HashSet<>(start);
            Deque<String> todo = new ArrayDeque<>(start);
            while (!todo.isEmpty()) {
                for (String next : edges.getOrDefault(todo.pop(), Set.of())) {
                    if (seen.add(next)) {
                        todo.push(next);
                    }
                }
            }
            return seen;
        }

        private Builder edge(Map<String, Set<String>> edges, String from, String to) {
            String f = table(from, true);
            String t = table(to, true);
            if (!f.equals(t)) {
                edges.computeIfAbsent(f, k -> new HashSet<>()).add(t);
            }
            return this;
        }

        private String table(String name, boolean add) {
            String c = canonical(name);
            if (add) {
                tables.add(c);
            }
            return c;
        }

        private static String canonical(String name) {
            return name.trim().toLowerCase(Locale.ROOT);
        }
    }
}
