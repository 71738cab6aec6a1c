package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A driver profile written outside the standard one — here renderings in the style of pgjdbc (booleans
 * as "t"/"f", timestamps with time zone in the session zone, captured with getObject(i, Class)) —
 * needs nothing but the SPI.
 */
class ValueProfileSpiTest {

    /** What a driver module would write for its own driver. */
    static final class PgStyleProfile implements ValueProfile {
        private final ZoneId sessionZone;

        PgStyleProfile(ZoneId sessionZone) {
            this.sessionZone = sessionZone;
        }

        @Override
        public ColumnCodec codec(ColumnMetadata column) {
            if (column.type() == Types.BOOLEAN) {
                return new ColumnCodec() {
                    @Override
                    public String getString(Object captured) throws SQLException {
                        return getBoolean(captured) ? "t" : "f";
                    }
                };
            }
            if (column.type() == Types.TIMESTAMP_WITH_TIMEZONE) {
                DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssx");
                return new ColumnCodec() {
                    @Override
                    public Object capture(ResultSet real, int columnIndex, long byteBudget) throws SQLException {
                        return real.getObject(columnIndex, OffsetDateTime.class);
                    }

                    @Override
                    public String getString(Object captured) {
                        return ((OffsetDateTime) captured).atZoneSameInstant(sessionZone).format(format);
                    }
                };
            }
            return new ColumnCodec() {
            };
        }
    }

    @Test
    void aDriverProfileRendersItsOwnWay() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:spi"); Statement s = c.createStatement()) {
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            String sql = "SELECT TRUE AS B, TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00+00' AS T, 7 AS N";
            QueryKey k = key(sql);
            FillTicket t = cache.beginFill(k, Set.of(), null);
            ValueProfile profile = new PgStyleProfile(ZoneId.of("Asia/Tokyo"));
            try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, t, cache, profile)) {
                while (rs.next()) {
                    assertThat(rs.getString(1)).as("the application sees the real driver's text").isEqualTo("TRUE");
                }
            }
            ResultSet cached = cache.get(k).toResultSet(s);
            cached.next();
            assertThat(cached.getString("b")).isEqualTo("t");
            assertThat(cached.getBoolean("b")).isTrue();
            assertThat(cached.getString("t")).isEqualTo("2024-01-01 09:00:00+09");
            assertThat(cached.getObject("t", OffsetDateTime.class).toInstant())
                    .isEqualTo(OffsetDateTime.parse("2024-01-01T00:00:00Z").toInstant());
            assertThat(cached.getInt("n")).isEqualTo(7);
        }
    }

    @Test
    void theGenericProfileKeepsTheDriversTextWhereItDiffers() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:generic"); Statement s = c.createStatement()) {
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            String sql = "SELECT TRUE AS B, CAST(X'CAFE' AS VARBINARY) AS BIN, 12 AS N, TIMESTAMP '2024-01-01 10:00:00' AS TS";
            QueryKey k = key(sql);
            FillTicket t = cache.beginFill(k, Set.of(), null);
            List<String> texts = new ArrayList<>();
            try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, t, cache, ValueProfile.generic())) {
                while (rs.next()) {
                    for (int i = 1; i <= 4; i++) {
                        texts.add(rs.getString(i));
                    }
                }
            }
            ResultSet cached = cache.get(k).toResultSet(s);
            cached.next();
            for (int i = 1; i <= 4; i++) {
                assertThat(cached.getString(i)).isEqualTo(texts.get(i - 1));
            }
            assertThat(texts.get(0)).isEqualTo("TRUE");
            assertThat(cached.getBoolean(1)).isTrue();
            assertThat(cached.getBytes(2)).containsExactly(0xCA - 256, 0xFE - 256);
            assertThat(cached.getInt(3)).isEqualTo(12);
        }
    }

    /** A codec like pgjdbc's: the national-character getters are not supported, NULL or not. */
    static final class NoNationalCharacters implements ValueProfile {
        @Override
        public ColumnCodec codec(ColumnMetadata column) {
            return new ColumnCodec() {
                @Override
                public String getNString(Object captured) throws SQLException {
                    throw new java.sql.SQLFeatureNotSupportedException("getNString", "0A000");
                }

                @Override
                public java.io.Reader getNCharacterStream(Object captured) throws SQLException {
                    throw new java.sql.SQLFeatureNotSupportedException("getNCharacterStream", "0A000");
                }

                @Override
                public java.sql.NClob getNClob(Object captured) throws SQLException {
                    throw new java.sql.SQLFeatureNotSupportedException("getNClob", "0A000");
                }
            };
        }
    }

    @Test
    void nationalCharacterGettersGoThroughTheCodec() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:nchar"); Statement s = c.createStatement()) {
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            String sql = "SELECT 'abc' AS A, CAST(NULL AS VARCHAR) AS B";
            for (ValueProfile profile : List.of(ValueProfile.standard(), new NoNationalCharacters())) {
                QueryKey k = key(sql + " /*" + profile.getClass().getName() + "*/");
                FillTicket t = cache.beginFill(k, Set.of(), null);
                try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, t, cache, profile)) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
                ResultSet cached = cache.get(k).toResultSet(s);
                cached.next();
                if (profile == ValueProfile.standard()) {
                    assertThat(cached.getNString(1)).isEqualTo("abc");
                    assertThat(new java.io.BufferedReader(cached.getNCharacterStream("a")).readLine()).isEqualTo("abc");
                    assertThat(cached.getNClob(1).getSubString(1, 3)).isEqualTo("abc");
                    assertThat(cached.getNString(2)).isNull();
                    assertThat(cached.wasNull()).isTrue();
                    assertThat(cached.getNCharacterStream(2)).isNull();
                    assertThat(cached.getNClob(2)).isNull();
                } else {
                    for (int col = 1; col <= 2; col++) {
                        int i = col;
                        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cached.getNString(i))
                                .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class);
                        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cached.getNCharacterStream(i))
                                .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class);
                        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cached.getNClob(i))
                                .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class);
                    }
                    assertThat(cached.getString(1)).isEqualTo("abc");
                }
            }
        }
    }
}
