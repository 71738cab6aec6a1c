package dev.cachet.driver.jdbc;

import dev.cachet.cache.CacheSettings;
import dev.cachet.driver.CachetSettings;

/** Translates the cache-shaping {@code cachet.*} settings into the cache module's settings. */
final class CacheSettingsMapping {

    private CacheSettingsMapping() {
    }

    static CacheSettings from(CachetSettings s) {
        return CacheSettings.builder()
                .maxBytes(s.maxBytes())
                .defaultTtl(s.ttl())
                .maxRowsPerEntry(s.maxRowsPerEntry())
                .maxBytesPerEntry(s.maxBytesPerEntry())
                .inFlightWait(s.inFlightWait())
                .transactionBlockTimeout(s.transactionBlockTimeout())
                .build();
    }
}
