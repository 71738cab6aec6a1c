package dev.cachet.driver;

import dev.cachet.parser.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachetUrlTest {

    @Test
    void acceptsOnlyCachetUrls() {
        assertThat(CachetUrl.accepts("jdbc:cachet:h2:mem:x")).isTrue();
        assertThat(CachetUrl.accepts("JDBC:Cachet:postgresql://h/db")).isTrue();
        assertThat(CachetUrl.accepts("jdbc:postgresql://h/db")).isFalse();
        assertThat(CachetUrl.accepts("jdbc:cachet")).isFalse();
        assertThat(CachetUrl.accepts(null)).isFalse();
    }

    @Test
    void rejectsMalformedUrlsWith08001() {
        assertThatThrownBy(() -> CachetUrl.parse("jdbc:postgresql://h/db"))
                .isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining("does not start with jdbc:cachet:")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
        assertThatThrownBy(() -> CachetUrl.parse("jdbc:cachet:")).hasMessageContaining("real driver's URL");
        assertThatThrownBy(() -> CachetUrl.parse("jdbc:cachet:postgresql://h/db?cachet.ttl=%zz"))
                .hasMessageContaining("percent-encoding");
    }

    /** The real URL must be byte-for-byte the original without Cachet's parameters. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // PostgreSQL
            "jdbc:cachet:postgresql://db.example.com:5432/shop | jdbc:postgresql://db.example.com:5432/shop",
            "jdbc:cachet:postgresql://db/shop?cachet.ttl=30s | jdbc:postgresql://db/shop",
            "jdbc:cachet:postgresql://db/shop?sslmode=require&cachet.ttl=30s&currentSchema=app,public"
                    + " | jdbc:postgresql://db/shop?sslmode=require&currentSchema=app,public",
            "jdbc:cachet:postgresql://db/shop?cachet.ttl=30s&ApplicationName=my%20app&cachet.maxBytes=1GB"
                    + " | jdbc:postgresql://db/shop?ApplicationName=my%20app",
            "jdbc:cachet:postgresql://h1:5432,h2:5433/shop?targetServerType=primary&cachet.replicas=h3:5432"
                    + " | jdbc:postgresql://h1:5432,h2:5433/shop?targetServerType=primary",
            "jdbc:cachet:postgresql://[::1]:5432/shop?user=app&password=p%26ss | "
                    + "jdbc:postgresql://[::1]:5432/shop?user=app&password=p%26ss",
            "jdbc:cachet:postgresql://db/shop? | jdbc:postgresql://db/shop?",
            "jdbc:cachet:postgresql://db/shop?ssl=true&& | jdbc:postgresql://db/shop?ssl=true&&",
            "jdbc:cachet:postgresql://db/shop?cachet%2Ettl=5s&a=1 | jdbc:postgresql://db/shop?a=1",
            "jdbc:cachet:postgresql:shop?cachet.ttl=5s | jdbc:postgresql:shop",
            // MySQL / MariaDB
            "jdbc:cachet:mysql://db:3306/shop?useSSL=false&cachet.enabled=true&serverTimezone=UTC"
                    + " | jdbc:mysql://db:3306/shop?useSSL=false&serverTimezone=UTC",
            "jdbc:cachet:mariadb://h1,h2:3307/shop?cachet.ttl=1m | jdbc:mariadb://h1,h2:3307/shop",
            "jdbc:cachet:mysql:replication://src,rep1,rep2/shop?cachet.ttl=1m&autoReconnect=true"
                    + " | jdbc:mysql:replication://src,rep1,rep2/shop?autoReconnect=true",
            "jdbc:cachet:mariadb://address=(host=h1)(port=3306)(type=primary),address=(host=h2)(port=3307)/shop"
                    + " | jdbc:mariadb://address=(host=h1)(port=3306)(type=primary),address=(host=h2)(port=3307)/shop",
            // H2
            "jdbc:cachet:h2:mem:test | jdbc:h2:mem:test",
            "jdbc:cachet:h2:mem:test;MODE=PostgreSQL;cachet.ttl=5m;DB_CLOSE_DELAY=-1"
                    + " | jdbc:h2:mem:test;MODE=PostgreSQL;DB_CLOSE_DELAY=-1",
            "jdbc:cachet:h2:mem:test;CACHET.TTL=5m | jdbc:h2:mem:test",
            "jdbc:cachet:h2:file:/var/data/shop;AUTO_SERVER=TRUE;Cachet.MaxBytes=1MB"
                    + " | jdbc:h2:file:/var/data/shop;AUTO_SERVER=TRUE",
            "jdbc:cachet:h2:tcp://localhost:9092/~/shop;cachet.ttl=5s;IFEXISTS=TRUE"
                    + " | jdbc:h2:tcp://localhost:9092/~/shop;IFEXISTS=TRUE",
            "jdbc:cachet:h2:mem:x;INIT=CREATE SCHEMA IF NOT EXISTS a\\;SET SCHEMA a;cachet.ttl=5s"
                    + " | jdbc:h2:mem:x;INIT=CREATE SCHEMA IF NOT EXISTS a\\;SET SCHEMA a",
            "jdbc:cachet:h2:mem:x; | jdbc:h2:mem:x;",
            // others
            "jdbc:cachet:sqlserver://db:1433;databaseName=shop;cachet.ttl=5s;encrypt=true"
                    + " | jdbc:sqlserver://db:1433;databaseName=shop;encrypt=true",
            "jdbc:cachet:oracle:thin:@//db:1521/svc | jdbc:oracle:thin:@//db:1521/svc",
    })
    void realUrlIsTheOriginalWithoutCachetParameters(String url, String real) throws SQLException {
        assertThat(CachetUrl.parse(url).realUrl()).isEqualTo(real);
    }

    @Test
    void collectsCachetParametersDecoded() throws SQLException {
        CachetUrl u = CachetUrl.parse(
                "jdbc:cachet:postgresql://db/shop?cachet.ttl=30s&a=1&cachet.replicas=r1%3A5432%2Cr2&CACHET.cluster=x");
        assertThat(u.cachetParameters()).containsExactly(Map.entry("cachet.ttl", "30s"),
                Map.entry("cachet.replicas", "r1:5432,r2"), Map.entry("CACHET.cluster", "x"));
        assertThat(CachetUrl.parse("jdbc:cachet:h2:mem:a;cachet.ttl=5s;cachet.maxBytes=1MB").cachetParameters())
                .containsExactly(Map.entry("cachet.ttl", "5s"), Map.entry("cachet.maxBytes", "1MB"));
        assertThat(CachetUrl.parse("jdbc:cachet:h2:mem:a").cachetParameters()).isEmpty();
    }

    @Test
    void urlParametersResolveIntoSettings() throws SQLException {
        CachetUrl u = CachetUrl.parse("jdbc:cachet:h2:mem:a;cachet.ttl=5s");
        assertThat(CachetSettings.resolve(null, u.cachetParameters()).ttl()).hasSeconds(5);
    }

    @Test
    void dialectFromSubProtocol() throws SQLException {
        assertThat(CachetUrl.parse("jdbc:cachet:postgresql://h/db").dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(CachetUrl.parse("jdbc:cachet:mariadb://h/db").dialect()).isEqualTo(Dialect.MYSQL);
        assertThat(CachetUrl.parse("jdbc:cachet:mysql://h/db").dialect()).isEqualTo(Dialect.MYSQL);
        assertThat(CachetUrl.parse("jdbc:cachet:h2:mem:x").dialect()).isEqualTo(Dialect.H2);
        assertThat(CachetUrl.parse("jdbc:cachet:sqlserver://h").dialect()).isEqualTo(Dialect.GENERIC);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "jdbc:cachet:postgresql://db/shop | db:5432 | shop",
            "jdbc:cachet:postgresql://h1:5432,h2:5433/shop?sslmode=require | h1:5432,h2:5433 | shop",
            "jdbc:cachet:postgresql://[::1]:6432,[fe80::1]/shop | [::1]:6432,[fe80::1]:5432 | shop",
            "jdbc:cachet:postgresql:shop | localhost:5432 | shop",
            "jdbc:cachet:postgresql:///shop | localhost:5432 | shop",
            "jdbc:cachet:postgresql://db/ | db:5432 | \"\"",
            "jdbc:cachet:mysql://db/shop | db:3306 | shop",
            "jdbc:cachet:mariadb://h1,h2:3307/shop?x=1 | h1:3306,h2:3307 | shop",
            "jdbc:cachet:mysql:replication://src:3306,rep/shop | src:3306,rep:3306 | shop",
            "jdbc:cachet:mysql://app:secret@db:3310/shop | db:3310 | shop",
            "jdbc:cachet:mysql://[h1:3306,h2:3307]/shop | h1:3306,h2:3307 | shop",
            "jdbc:cachet:mariadb://address=(host=h1)(port=3310)(type=primary),address=(host=h2)/shop"
                    + " | h1:3310,h2:3306 | shop",
            "jdbc:cachet:mysql://(host=h1,port=3311,user=x),(host=h2)/shop | h1:3311,h2:3306 | shop",
            "jdbc:cachet:h2:tcp://localhost/~/shop;IFEXISTS=TRUE | localhost:9092 | ~/shop",
            "jdbc:cachet:h2:ssl://a:9093,b/mem:shop | a:9093,b:9092 | mem:shop",
    })
    void hostsAndDatabase(String url, String hosts, String database) throws SQLException {
        CachetUrl u = CachetUrl.parse(url);
        assertThat(u.hosts()).containsExactly(hosts.split(","));
        assertThat(u.database()).isEqualTo(database);
    }

    @Test
    void embeddedH2HasNoHosts() throws SQLException {
        CachetUrl mem = CachetUrl.parse("jdbc:cachet:h2:mem:shop;DB_CLOSE_DELAY=-1;MODE=PostgreSQL");
        assertThat(mem.hosts()).isEmpty();
        assertThat(mem.database()).isEqualTo("mem:shop");
        assertThat(CachetUrl.parse("jdbc:cachet:h2:file:./data/shop").database()).isEqualTo("./data/shop");
        assertThat(CachetUrl.parse("jdbc:cachet:h2:./data/shop").database()).isEqualTo("./data/shop");
        assertThat(mem.defaultPort()).isEqualTo(9092);
    }

    @Test
    void withHostBuildsAReplicaUrl() throws SQLException {
        CachetUrl pg = CachetUrl.parse("jdbc:cachet:postgresql://h1:5432,h2:5433/shop?sslmode=require"
                + "&targetServerType=primary&cachet.replicas=r1:5432&currentSchema=app&loadBalanceHosts=true");
        assertThat(pg.withHost("r1:5434")).isEqualTo("jdbc:postgresql://r1:5434/shop?sslmode=require&currentSchema=app");
        assertThat(pg.withHost("[::1]:5432")).startsWith("jdbc:postgresql://[::1]:5432/shop?");
        assertThat(CachetUrl.parse("jdbc:cachet:postgresql:shop?ssl=true").withHost("r1"))
                .isEqualTo("jdbc:postgresql://r1/shop?ssl=true");
        assertThat(CachetUrl.parse("jdbc:cachet:postgresql://db/shop?targetServerType=primary").withHost("r"))
                .isEqualTo("jdbc:postgresql://r/shop");
        assertThat(CachetUrl.parse("jdbc:cachet:mysql:replication://app:pw@src,rep/shop?useSSL=false")
                .withHost("rep:3307")).isEqualTo("jdbc:mysql://app:pw@rep:3307/shop?useSSL=false");
        assertThat(CachetUrl.parse("jdbc:cachet:mariadb://address=(host=h1)(port=3306),address=(host=h2)/shop")
                .withHost("r:3306")).isEqualTo("jdbc:mariadb://r:3306/shop");
        assertThat(CachetUrl.parse("jdbc:cachet:h2:tcp://a:9092/~/shop;IFEXISTS=TRUE").withHost("b:9093"))
                .isEqualTo("jdbc:h2:tcp://b:9093/~/shop;IFEXISTS=TRUE");
        assertThatThrownBy(() -> CachetUrl.parse("jdbc:cachet:h2:mem:x").withHost("r:1"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> pg.withHost("bad host:1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesNeverShowPasswords() {
        assertThat(CachetUrl.redact("jdbc:mysql://app:secret@db/shop?password=x&a=1"))
                .doesNotContain("secret").doesNotContain("=x&").contains("a=1");
    }

    @Test
    void clusterIdFromConfiguredHostsAndDatabase() throws SQLException {
        CachetSettings none = CachetSettings.defaults();
        CachetSettings replicas = CachetSettings.resolve(null, Map.of("cachet.replicas", "R2,r1:5432"));
        CachetUrl a = CachetUrl.parse("jdbc:cachet:postgresql://DB:5432/shop");
        CachetUrl b = CachetUrl.parse("jdbc:cachet:postgresql://db/shop?sslmode=require");
        assertThat(ClusterId.of(a, none)).isEqualTo("postgresql://db:5432/shop").isEqualTo(ClusterId.of(b, none));
        assertThat(ClusterId.of(a, replicas)).isEqualTo("postgresql://db:5432,r1:5432,r2:5432/shop");
        // the same cluster whichever host is written first (a failover reorders nothing)
        assertThat(ClusterId.of(CachetUrl.parse("jdbc:cachet:postgresql://h2,h1/shop"), none))
                .isEqualTo(ClusterId.of(CachetUrl.parse("jdbc:cachet:postgresql://h1,h2/shop"), none));
        assertThat(ClusterId.of(CachetUrl.parse("jdbc:cachet:postgresql://db/other"), none))
                .isNotEqualTo(ClusterId.of(a, none));
        CachetSettings named = CachetSettings.resolve(null, Map.of("cachet.cluster", "shop-eu"));
        assertThat(ClusterId.of(a, named)).isEqualTo("shop-eu");
        assertThat(ClusterId.of(CachetUrl.parse("jdbc:cachet:h2:mem:shop;MODE=PostgreSQL"), none))
                .isEqualTo("h2:///mem:shop")
                .isEqualTo(ClusterId.of(CachetUrl.parse("jdbc:cachet:h2:mem:shop"), none));
        assertThat(ClusterId.of(CachetUrl.parse("jdbc:cachet:mariadb://h1,h2/shop"), none))
                .isEqualTo("mysql://h1:3306,h2:3306/shop");
    }

    @Test
    void h2FilesAreIdentifiedByTheirAbsolutePath() throws SQLException {
        CachetSettings none = CachetSettings.defaults();
        String relative = ClusterId.of(CachetUrl.parse("jdbc:cachet:h2:./data/../data/shop"), none);
        String absolute = ClusterId.of(CachetUrl.parse("jdbc:cachet:h2:file:"
                + java.nio.file.Path.of("data", "shop").toAbsolutePath()), none);
        assertThat(relative).isEqualTo(absolute).startsWith("h2:///").endsWith("shop");
        assertThat(ClusterId.of(CachetUrl.parse("jdbc:cachet:h2:~/shop"), none))
                .isEqualTo("h2:///" + java.nio.file.Path.of(System.getProperty("user.home"), "shop"));
    }

    @Test
    void aRealUrlGetsTheSameClusterIdAsItsCachetUrl() throws SQLException {
        CachetSettings none = CachetSettings.defaults();
        assertThat(ClusterId.ofRealUrl("jdbc:h2:mem:shop", none))
                .isEqualTo(ClusterId.of(CachetUrl.parse("jdbc:cachet:h2:mem:shop;DB_CLOSE_DELAY=-1"), none));
        assertThat(ClusterId.ofRealUrl("jdbc:postgresql://db:5432/shop?ssl=true", none))
                .isEqualTo(ClusterId.of(CachetUrl.parse("jdbc:cachet:postgresql://db/shop"), none));
        assertThat(ClusterId.ofRealUrl("jdbc:postgresql://db/shop", CachetSettings.resolve(null,
                Map.of("cachet.cluster", "eu")))).isEqualTo("eu");
        assertThat(ClusterId.ofRealUrl("weird", none)).isEqualTo("generic:weird");
    }

    @Test
    void unnamedMemoryDatabasesNeverShareACluster() throws SQLException {
        CachetUrl u = CachetUrl.parse("jdbc:cachet:h2:mem:");
        assertThat(ClusterId.of(u, CachetSettings.defaults())).isNotEqualTo(ClusterId.of(u, CachetSettings.defaults()));
    }

    @Test
    void toStringShowsTheUrlAndParameters() throws SQLException {
        assertThat(CachetUrl.parse("jdbc:cachet:h2:mem:a;cachet.ttl=5s").toString())
                .isEqualTo("jdbc:cachet:h2:mem:a {cachet.ttl=5s}");
        assertThat(CachetUrl.parse("jdbc:cachet:h2:mem:a").url()).isEqualTo("jdbc:cachet:h2:mem:a");
    }
}
