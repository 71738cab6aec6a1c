package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parameter markers of a text, as every server of its dialect may read them. */
class PinTokensTest {

    private static int markers(String sql, Dialect dialect) {
        List<PinTokens.Tok> tokens = PinTokens.read(sql, dialect);
        return tokens == null ? -1 : PinTokens.parameters(tokens);
    }

    @Test
    void markersInLiteralsNamesAndCommentsDoNotCount() {
        for (Dialect d : Dialect.values()) {
            assertThat(markers("select '?', ? from t where a = ? /* ? */ -- ?\n and b = 'it''s ?'", d))
                    .as(d.name()).isEqualTo(2);
        }
        assertThat(markers("select \"a?\" from t where b = ?", Dialect.POSTGRESQL)).isEqualTo(1);
        assertThat(markers("select `a?` from t where b = ?", Dialect.MYSQL)).isEqualTo(1);
        assertThat(markers("select $$?$$, $x$ ? $x$ from t where b = ?", Dialect.POSTGRESQL)).isEqualTo(1);
    }

    @Test
    void ambiguousMarkersMeanNoAnswer() {
        assertThat(markers("select * from t where j ?? 'k'", Dialect.POSTGRESQL)).isEqualTo(-1);
        assertThat(markers("select * from t where j ?| array['k']", Dialect.POSTGRESQL)).isEqualTo(-1);
        assertThat(markers("select * from t where j ?& array['k']", Dialect.POSTGRESQL)).isEqualTo(-1);
        assertThat(markers("select * from t where id = ?1", Dialect.H2)).isEqualTo(-1);
        assertThat(markers("select * from t where id = $1", Dialect.POSTGRESQL)).isEqualTo(-1);
        assertThat(markers("select * from t where a = 'open", Dialect.POSTGRESQL)).isEqualTo(-1);
        assertThat(markers("select * from t /* open", Dialect.H2)).isEqualTo(-1);
    }

    @Test
    void readingsThatDisagreeMeanNoAnswer() {
        // a backslash before a quote: MySQL with and without NO_BACKSLASH_ESCAPES, PostgreSQL with and
        // without standard_conforming_strings
        String backslash = "select * from t where a = 'x\\' and b = ? -- '";
        assertThat(markers(backslash, Dialect.MYSQL)).isEqualTo(-1);
        assertThat(markers(backslash, Dialect.POSTGRESQL)).isEqualTo(-1);
        assertThat(markers(backslash, Dialect.H2)).as("H2 has no backslash escapes").isEqualTo(1);
        assertThat(markers(backslash, Dialect.GENERIC)).isEqualTo(-1);
        // a backslash that does not move a literal's end changes nothing
        assertThat(markers("select * from t where a = 'x\\y' and b = ?", Dialect.MYSQL)).isEqualTo(1);
    }

    @Test
    void eachDialectReadsItsOwnComments() {
        // MySQL: # is a comment, -- only before white space, block comments do not nest
        assertThat(markers("select * from t where a = ? # ?", Dialect.MYSQL)).isEqualTo(1);
        assertThat(markers("select * from t where a = 1--?", Dialect.MYSQL)).isEqualTo(1);
        assertThat(markers("select * from t where a = 1--?", Dialect.POSTGRESQL)).isZero();
        assertThat(markers("select 1 /* a /* b */ ? */", Dialect.POSTGRESQL)).isZero();
        assertThat(markers("select 1 /* a /* b */ ? */", Dialect.MYSQL)).isEqualTo(1);
        // H2: // is a comment; its nesting of block comments is not relied upon
        assertThat(markers("select * from t where a = ? // ?", Dialect.H2)).isEqualTo(1);
        assertThat(markers("select 1 /* a /* b */ ? */", Dialect.H2)).isEqualTo(-1);
        // GENERIC: every reading at once
        assertThat(markers("select * from t where a = ? # ?", Dialect.GENERIC)).isEqualTo(-1);
        assertThat(markers("select * from t where a = ?", Dialect.GENERIC)).isEqualTo(1);
    }

    @Test
    void postgresqlEscapeStringsAreItsOwn() {
        String e = "select * from t where a = E'\\'' and b = ?";
        assertThat(markers(e, Dialect.POSTGRESQL)).isEqualTo(1);
        assertThat(markers(e, Dialect.MYSQL)).as("E is not a prefix in MySQL; the literal is unterminated there")
                .isEqualTo(-1);
    }

    @Test
    void doubleQuotesAreNamesOnlyWhereTheDialectSaysSo() {
        PinTokens.Tok pg = PinTokens.read("\"Id\"", Dialect.POSTGRESQL).get(0);
        assertThat(pg.isName()).isTrue();
        assertThat(pg.value).isEqualTo("id");
        assertThat(PinTokens.read("\"Id\"", Dialect.MYSQL).get(0).isName()).isFalse();
        assertThat(PinTokens.read("`Id`", Dialect.MYSQL).get(0).isName()).isTrue();
    }
}
