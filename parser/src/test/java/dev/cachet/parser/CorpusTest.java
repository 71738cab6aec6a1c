package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every statement of the corpus (src/test/resources/corpus, format in its README.md). */
class CorpusTest {

    static final String[] FILES = {"common.txt", "postgresql.txt", "mysql.txt", "h2.txt", "orm.txt", "rowpins.txt"};
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(10_000, java.time.Duration.ofSeconds(5));
    private static final Pattern PAIR = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S*)");

    /** One corpus entry. */
    record Entry(String file, int line, Dialect dialect, String sql, Map<String, String> expect) {
        @Override
        public String toString() {
            return file + ":" + line + " [" + dialect + "] " + (sql.length() > 90 ? sql.substring(0, 90) + "…" : sql);
        }
    }

    static List<Entry> entries() throws IOException {
        List<Entry> all = new ArrayList<>();
        for (String file : FILES) {
            all.addAll(read(file));
        }
        return all;
    }

    static List<Entry> read(String file) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus/" + file)) {
            if (in == null) {
                throw new IOException("missing corpus file " + file);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Dialect> dialects = List.of(Dialect.GENERIC);
            String sql = null;
            int sqlLine = 0;
            int lineNo = 0;
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("@dialect ")) {
                    dialects = Arrays.stream(line.substring(9).trim().split("\\s*,\\s*"))
                            .map(s -> Dialect.valueOf(s.toUpperCase())).collect(Collectors.toList());
                    continue;
                }
                if (line.startsWith("  -> ")) {
                    if (sql == null) {
                        throw new IOException(file + ":" + lineNo + ": expectation without a statement");
                    }
                    Map<String, String> expect = new LinkedHashMap<>();
                    String rest = line.substring(5).trim();
                    int sp = rest.indexOf(' ');
                    expect.put("kind", sp < 0 ? rest : rest.substring(0, sp));
                    Matcher m = PAIR.matcher(sp < 0 ? "" : rest.substring(sp));
                    while (m.find()) {
                        String v = m.group(2);
                        if (v.startsWith("\"")) {
                            v = v.substring(1, v.length() - 1);
                        }
                        expect.put(m.group(1), v);
                    }
                    if (!expect.containsKey("pins")) {
                        throw new IOException(file + ":" + lineNo + ": every entry states its pins (pins=- for none)");
                    }
                    for (Dialect d : dialects) {
                        out.add(new Entry(file, sqlLine, d, sql, expect));
                    }
                    sql = null;
                    continue;
                }
                if (sql != null) {
                    throw new IOException(file + ":" + sqlLine + ": statement without an expectation");
                }
                sql = line.replace("\\n", "\n");
                sqlLine = lineNo;
            }
            if (sql != null) {
                throw new IOException(file + ":" + sqlLine + ": statement without an expectation");
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void analyzesAsExpected(Entry e) {
        StatementInfo info = ANALYZER.analyze(e.sql(), e.dialect());
        String context = e + "\n  actual: " + info + "\n  detail: " + info.notCacheableDetail() + "\n  check: ";
        Map<String, String> x = e.expect();
        assertThat(info.kind().name()).as(context + "kind").isEqualTo(x.get("kind"));
        if (x.containsKey("read")) {
            assertThat(new TreeSet<>(info.tablesRead())).as(context + "tables read").isEqualTo(set(x.get("read")));
        }
        if (x.containsKey("written")) {
            assertThat(new TreeSet<>(info.tablesWritten())).as(context + "tables written")
                    .isEqualTo(set(x.get("written")));
        }
        String cache = x.getOrDefault("cache", null);
        if (cache != null) {
            if (cache.equals("yes")) {
                assertThat(info.cacheable()).as(context + "cacheable").isTrue();
            } else {
                assertThat(info.cacheable()).as(context + "cacheable").isFalse();
                assertThat(info.notCacheableReason().name()).as(context + "reason").isEqualTo(cache);
            }
        }
        if (x.containsKey("route")) {
            assertThat(info.requiresPrimary() ? "primary" : "any").as(context + "route").isEqualTo(x.get("route"));
        }
        boolean expectAll = Boolean.parseBoolean(x.getOrDefault("all",
                String.valueOf(info.kind() == StatementKind.UNKNOWN || info.kind() == StatementKind.CALL
                        || !info.unknownFunctions().isEmpty())));
        assertThat(info.writesAllTables()).as(context + "writesAllTables").isEqualTo(expectAll);
        if (x.containsKey("effect")) {
            String effect = x.get("effect");
            if (effect.equals("-")) {
                assertThat(info.sessionEffect()).as(context + "session effect").isNull();
            } else {
                assertThat(info.sessionEffect()).as(context + "session effect").isNotNull();
                assertThat(info.sessionEffect().type().name()).as(context + "session effect").isEqualTo(effect);
            }
        }
        if (x.containsKey("value")) {
            assertThat(info.sessionEffect()).as(context + "session effect").isNotNull();
            String v = x.get("value");
            assertThat(info.sessionEffect().value()).as(context + "session value").isEqualTo(v.equals("-") ? null : v);
        }
        if (x.containsKey("isolation")) {
            assertThat(info.sessionEffect().isolation()).as(context + "isolation").isEqualTo(x.get("isolation"));
        }
        if (x.containsKey("temp")) {
            assertThat(new TreeSet<>(info.temporaryTablesCreated())).as(context + "temporary tables")
                    .isEqualTo(set(x.get("temp")));
        }
        if (x.containsKey("dropped")) {
            assertThat(new TreeSet<>(info.tablesDropped())).as(context + "dropped").isEqualTo(set(x.get("dropped")));
        }
        if (x.containsKey("unknown")) {
            assertThat(new TreeSet<>(info.unknownFunctions())).as(context + "unknown functions")
                    .isEqualTo(set(x.get("unknown")));
        }
        if (x.containsKey("lock")) {
            assertThat(info.lockingRead()).as(context + "locking read").isEqualTo(Boolean.parseBoolean(x.get("lock")));
        }
        if (x.containsKey("ttl")) {
            assertThat(info.hints().ttl()).as(context + "ttl hint")
                    .isEqualTo(x.get("ttl").equals("-") ? null : java.time.Duration.parse(x.get("ttl")));
        }
        String pins = x.get("pins");
        RowPins actual = info.rowPins();
        assertThat(actual == null ? "-" : actual.toString()).as(context + "pins").isEqualTo(pins);
        if (x.containsKey("hinterror")) {
            assertThat(info.hints().hintError() != null).as(context + "hint error")
                    .isEqualTo(Boolean.parseBoolean(x.get("hinterror")));
        }
        // the invariants hold for every entry
        Invariants.check(info);
    }

    @Test
    void corpusIsLargeAndCoversEveryDialect() throws IOException {
        List<Entry> all = entries();
        long distinct = all.stream().map(Entry::sql).distinct().count();
        assertThat(distinct).as("distinct statements").isGreaterThanOrEqualTo(600);
        assertThat(all.stream().map(Entry::dialect).collect(Collectors.toSet()))
                .contains(Dialect.POSTGRESQL, Dialect.MYSQL, Dialect.H2);
    }

    private static Set<String> set(String csv) {
        Set<String> s = new TreeSet<>();
        if (csv == null || csv.isEmpty() || csv.equals("-")) {
            return s;
        }
        for (String p : csv.split(",")) {
            s.add(p.trim());
        }
        return s;
    }
}
