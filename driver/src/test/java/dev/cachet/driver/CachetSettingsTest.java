package dev.cachet.driver;

import dev.cachet.driver.settings.SettingsFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachetSettingsTest {

    @AfterEach
    void clearSystemProperties() {
        System.getProperties().stringPropertyNames().stream()
                .filter(CachetSettings::isCachetName)
                .forEach(System::clearProperty);
        SettingsFile.clearCache();
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws SQLException {
        CachetSettings s = CachetSettings.resolve(null, null);
        assertThat(s.enabled()).isTrue();
        assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.maxBytes()).isEqualTo(64L << 20);
        assertThat(s.maxRowsPerEntry()).isEqualTo(10_000);
        assertThat(s.maxBytesPerEntry()).isEqualTo(1L << 20);
        assertThat(s.readStrategy()).isEqualTo(ReadStrategy.ROUND_ROBIN);
        assertThat(s.replicas()).isEmpty();
        assertThat(s.cluster()).isNull();
        assertThat(s.dependencies()).isEmpty();
        assertThat(s.inFlightWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.transactionBlockTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.socketTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.maxReplicaLag()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s).isEqualTo(CachetSettings.defaults());
    }

    @Test
    void descriptorDefaultsMatchTheEffectiveDefaults() throws SQLException {
        Properties p = new Properties();
        for (SettingDescriptor d : CachetSettings.all()) {
            if (!d.isPerTable() && !d.defaultValue().isEmpty()) {
                p.setProperty(d.name(), d.defaultValue());
            }
        }
        assertThat(CachetSettings.resolve(p, null)).isEqualTo(CachetSettings.defaults());
        assertThat(CachetSettings.all()).extracting(SettingDescriptor::name).contains(
                "cachet.enabled", "cachet.ttl", "cachet.maxBytes", "cachet.maxRowsPerEntry",
                "cachet.maxBytesPerEntry", "cachet.ttl.<table>", "cachet.deterministicFunctions",
                "cachet.readOnlyFunctions", "cachet.dependencies", "cachet.replicas", "cachet.readStrategy",
                "cachet.maxReplicaLag", "cachet.cluster", "cachet.inFlightWait", "cachet.transactionBlockTimeout",
                "cachet.connectTimeout", "cachet.socketTimeout");
    }

    @Test
    void parsesEverySetting() throws SQLException {
        Properties p = new Properties();
        p.setProperty("cachet.enabled", "FALSE");
        p.setProperty("cachet.ttl", "PT30S");
        p.setProperty("cachet.ttl.Exchange_Rates", "5s");
        p.setProperty("cachet.ttl.public.audit", "0");
        p.setProperty("cachet.maxBytes", "128MB");
        p.setProperty("cachet.maxRowsPerEntry", "500");
        p.setProperty("cachet.maxBytesPerEntry", "256KB");
        p.setProperty("cachet.deterministicFunctions", "My_Tax, app.fmt_price,,");
        p.setProperty("cachet.readOnlyFunctions", "lookup");
        p.setProperty("cachet.dependencies", "Orders:order_audit, orders:stock, \"Sales\".\"Items\":*");
        p.setProperty("cachet.replicas", "r1:5432, [::1]:5433,r3");
        p.setProperty("cachet.readStrategy", "least-connections");
        p.setProperty("cachet.maxReplicaLag", "2s");
        p.setProperty("cachet.cluster", " shop ");
        p.setProperty("cachet.inFlightWait", "0");
        p.setProperty("cachet.transactionBlockTimeout", "1h");
        p.setProperty("cachet.connectTimeout", "3s");
        p.setProperty("cachet.socketTimeout", "30m");
        CachetSettings s = CachetSettings.resolve(p, null);
        assertThat(s.enabled()).isFalse();
        assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.ttlFor("exchange_rates")).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.ttlFor("audit")).isEqualTo(Duration.ZERO);
        assertThat(s.ttlFor("orders")).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxBytes()).isEqualTo(128L << 20);
        assertThat(s.maxRowsPerEntry()).isEqualTo(500);
        assertThat(s.maxBytesPerEntry()).isEqualTo(256 * 1024);
        assertThat(s.deterministicFunctions()).containsExactly("my_tax", "app.fmt_price");
        assertThat(s.readOnlyFunctions()).containsExactly("lookup");
        assertThat(s.dependencies()).isEqualTo(Map.of("orders", Set.of("order_audit", "stock"), "items", Set.of("*")));
        assertThat(s.replicas()).containsExactly("r1:5432", "[::1]:5433", "r3");
        assertThat(s.readStrategy()).isEqualTo(ReadStrategy.LEAST_CONNECTIONS);
        assertThat(s.maxReplicaLag()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.cluster()).isEqualTo("shop");
        assertThat(s.inFlightWait()).isEqualTo(Duration.ZERO);
        assertThat(s.transactionBlockTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.socketTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void namesAndEnumerationsAreCaseInsensitive() throws SQLException {
        CachetSettings s = CachetSettings.resolve(null,
                Map.of("CACHET.READSTRATEGY", "Fastest_Response", "Cachet.MaxBytes", "1gb"));
        assertThat(s.readStrategy()).isEqualTo(ReadStrategy.FASTEST_RESPONSE);
        assertThat(s.maxBytes()).isEqualTo(1L << 30);
        assertThat(CachetSettings.resolve(null, Map.of("cachet.readStrategy", "ROUND-ROBIN")).readStrategy())
                .isEqualTo(ReadStrategy.ROUND_ROBIN);
    }

    @Test
    void strongestSourceWins() throws Exception {
        Path dir = Files.createTempDirectory("cachet-settings");
        Files.writeString(dir.resolve("cachet.properties"),
                "cachet.ttl=1h\ncachet.maxRowsPerEntry=7\ncachet.cluster=from-file\ncachet.readStrategy=random\n");
        System.setProperty("cachet.ttl", "2h");
        System.setProperty("cachet.cluster", "from-system");
        System.setProperty("cachet.maxBytes", "32MB");
        Properties connect = new Properties();
        connect.setProperty("cachet.ttl", "4h");
        connect.setProperty("user", "app");
        withContextClassLoader(dir, () -> {
            CachetSettings s = CachetSettings.resolve(connect,
                    Map.of("cachet.ttl", "3h", "cachet.cluster", "from-url"));
            assertThat(s.ttl()).isEqualTo(Duration.ofHours(4));
            assertThat(s.cluster()).isEqualTo("from-url");
            assertThat(s.maxBytes()).isEqualTo(32L << 20);
            assertThat(s.maxRowsPerEntry()).isEqualTo(7);
            assertThat(s.readStrategy()).isEqualTo(ReadStrategy.RANDOM);
        });
    }

    @Test
    void settingsFileIsReadOnceAndKept() throws Exception {
        Path dir = Files.createTempDirectory("cachet-settings");
        Path file = dir.resolve("cachet.properties");
        Files.writeString(file, "cachet.maxRowsPerEntry=7\n");
        withContextClassLoader(dir, loader -> {
            assertThat(CachetSettings.resolve(null, null).maxRowsPerEntry()).isEqualTo(7);
            Files.writeString(file, "cachet.maxRowsPerEntry=8\n");
            assertThat(CachetSettings.resolve(null, null).maxRowsPerEntry()).isEqualTo(7);
        });
    }

    @Test
    void settingsFileKeysMustBeCachetSettings() throws Exception {
        Path dir = Files.createTempDirectory("cachet-settings");
        Files.writeString(dir.resolve("cachet.properties"), "ttl=5m\n");
        withContextClassLoader(dir, () -> assertThatThrownBy(() -> CachetSettings.resolve(null, null))
                .isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining("Unknown Cachet setting ttl in the settings file")
                .hasMessageContaining("did you mean cachet.ttl?"));
    }

    @Test
    void badValueNamesSettingSourceValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.ttl", "10 minutes")))
                .isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining("cachet.ttl from the connection URL has a bad value")
                .hasMessageContaining("'10 minutes'")
                .hasMessageContaining("500ms, 30s, 5m, 1h")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
        Properties p = new Properties();
        p.setProperty("cachet.readStrategy", "fastest");
        assertThatThrownBy(() -> CachetSettings.resolve(p, null))
                .hasMessageContaining("cachet.readStrategy from the connection properties")
                .hasMessageContaining("round-robin, random, least-connections, fastest-response");
        System.setProperty("cachet.enabled", "yes");
        assertThatThrownBy(() -> CachetSettings.resolve(null, null))
                .hasMessageContaining("cachet.enabled from system properties")
                .hasMessageContaining("true or false");
    }

    @Test
    void rejectsValuesOutOfRange() {
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.maxRowsPerEntry", "0")))
                .hasMessageContaining("cachet.maxRowsPerEntry").hasMessageContaining("from 1");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.maxBytes", "0")))
                .hasMessageContaining("must be more than 0");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.connectTimeout", "0")))
                .hasMessageContaining("cachet.connectTimeout").hasMessageContaining("more than 0");
        assertThatThrownBy(() -> CachetSettings.resolve(null,
                Map.of("cachet.maxBytes", "1MB", "cachet.maxBytesPerEntry", "2MB")))
                .hasMessageContaining("cachet.maxBytesPerEntry (2MB) is larger than cachet.maxBytes (1MB)");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.replicas", "r1:99999")))
                .hasMessageContaining("cachet.replicas").hasMessageContaining("port out of range");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.replicas", "::1:5432")))
                .hasMessageContaining("brackets");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.dependencies", "orders")))
                .hasMessageContaining("cachet.dependencies").hasMessageContaining("table:table");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.deterministicFunctions", "f(x)")))
                .hasMessageContaining("not a valid name");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.ttl.", "5s")))
                .hasMessageContaining("does not name a table");
    }

    @Test
    void reportsEveryErrorAtOnce() {
        assertThatThrownBy(() -> CachetSettings.resolve(null,
                Map.of("cachet.ttl", "x", "cachet.maxBytes", "y")))
                .hasMessageContaining("cachet.ttl").hasMessageContaining("cachet.maxBytes");
    }

    @Test
    void unknownNamesFailWithASuggestion() {
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.maxByte", "1MB")))
                .isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining("Unknown Cachet setting cachet.maxByte in the connection URL")
                .hasMessageContaining("did you mean cachet.maxBytes?");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.tll", "1m")))
                .hasMessageContaining("did you mean cachet.ttl?");
        assertThatThrownBy(() -> CachetSettings.resolve(null, Map.of("cachet.frobnicate", "1")))
                .hasMessageContaining("known settings: cachet.enabled");
        Properties p = new Properties();
        p.setProperty("cachet.maxRowsPerEntri", "5");
        assertThatThrownBy(() -> CachetSettings.resolve(p, null))
                .hasMessageContaining("Unknown Cachet setting cachet.maxRowsPerEntri in the connection properties")
                .hasMessageContaining("did you mean cachet.maxRowsPerEntry?");
    }

    @Test
    void unknownNamesInSystemPropertiesAreIgnoredBecauseOtherToolsShareThem() throws SQLException {
        System.setProperty("cachet.someTool.port", "5433");
        System.setProperty("cachet.maxRowsPerEntry", "5");
        CachetSettings s = CachetSettings.resolve(null, null);
        assertThat(s.maxRowsPerEntry()).isEqualTo(5);
        System.setProperty("cachet.maxRowsPerEntry", "many");
        assertThatThrownBy(() -> CachetSettings.resolve(null, null))
                .hasMessageContaining("cachet.maxRowsPerEntry from system properties has a bad value");
    }

    @Test
    void ignoresTheRealDriversProperties() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("ssl", "true");
        p.put("cachet.object", new Object()); // not a string: not a property Cachet reads
        assertThat(CachetSettings.resolve(p, null)).isEqualTo(CachetSettings.defaults());
    }

    @Test
    void stripsCachetPropertiesForTheRealDriver() {
        Properties defaults = new Properties();
        defaults.setProperty("password", "secret");
        defaults.setProperty("cachet.ttl", "5s");
        Properties p = new Properties(defaults);
        p.setProperty("user", "app");
        p.setProperty("CACHET.maxBytes", "1MB");
        p.put("socketFactoryArg", Integer.valueOf(7));
        Properties real = CachetSettings.stripCachetProperties(p);
        assertThat(real.getProperty("user")).isEqualTo("app");
        assertThat(real.getProperty("password")).isEqualTo("secret");
        assertThat(real.get("socketFactoryArg")).isEqualTo(7);
        assertThat(real.stringPropertyNames()).noneMatch(CachetSettings::isCachetName);
        assertThat(p.getProperty("CACHET.maxBytes")).isEqualTo("1MB"); // the original is untouched
        assertThat(CachetSettings.stripCachetProperties(null)).isEmpty();
    }

    @Test
    void cacheShapeIgnoresPerConnectionSettings() throws SQLException {
        CachetSettings a = CachetSettings.resolve(null, Map.of("cachet.connectTimeout", "1s", "cachet.enabled",
                "false"));
        CachetSettings b = CachetSettings.defaults();
        assertThat(a.sameCacheShape(b)).isTrue();
        CachetSettings c = CachetSettings.resolve(null, Map.of("cachet.maxBytes", "1GB", "cachet.ttl.orders", "1s"));
        assertThat(c.sameCacheShape(b)).isFalse();
        assertThat(c.cacheShapeDifferences(b)).containsExactly("cachet.ttl.<table>", "cachet.maxBytes");
    }

    @Test
    void describesEverySettingForGetPropertyInfo() {
        for (SettingDescriptor d : CachetSettings.all()) {
            assertThat(d.description()).isNotBlank();
            assertThat(d.accepts()).isNotBlank();
        }
        SettingDescriptor strategy = CachetSettings.all().stream()
                .filter(d -> d.name().equals("cachet.readStrategy")).findFirst().orElseThrow();
        DriverPropertyInfo info = strategy.toPropertyInfo(null);
        assertThat(info.value).isEqualTo("round-robin");
        assertThat(info.choices)
                .containsExactly("round-robin", "random", "least-connections", "fastest-response", "sticky");
        assertThat(info.description).contains("Default: round-robin");
        assertThat(strategy.toPropertyInfo("random").value).isEqualTo("random");
    }

    @Test
    void toStringListsTheEffectiveValues() throws SQLException {
        String text = CachetSettings.resolve(null, Map.of("cachet.ttl.orders", "5s")).toString();
        assertThat(text).contains("cachet.ttl=1m", "cachet.ttl.orders=5s", "cachet.maxBytes=64MB");
    }

    private interface IoAction {
        void run() throws Exception;
    }

    private interface LoaderAction {
        void run(ClassLoader loader) throws Exception;
    }

    private static void withContextClassLoader(Path dir, IoAction action) throws Exception {
        withContextClassLoader(dir, loader -> action.run());
    }

    private static void withContextClassLoader(Path dir, LoaderAction action) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, null)) {
            t.setContextClassLoader(loader);
            action.run(loader);
        } finally {
            t.setContextClassLoader(previous);
            SettingsFile.clearCache();
        }
    }

}
