package dev.cachet.driver.jdbc;

import dev.cachet.cache.CacheSettings;
import dev.cachet.driver.CachetSettings;

/** Translates the cache-shaping {@code cachet.*} settings into the cache module's settings. */
final class CacheSettingsMapping {

    private CacheSettingsMapping() {
    }

    static CacheSettings from(CachetSettings s) {
        return CacheSettings.builder()
                // Caffeine's maintenance (draining its read and write buffers, evicting) runs on the thread whose
                // read or fill made it due, amortized over the buffers, instead of waking a common-pool thread: on
                // the H2 hit path that wake-up (a futex call every few hundred hits, each fill) cost more than the
                // drain it scheduled. The eviction listener it runs is a table-index update.
                .executor(Runnable::run)
                .maxBytes(s.maxBytes())
                .defaultTtl(s.ttl())
                .maxRowsPerEntry(s.maxRowsPerEntry())
                .maxBytesPerEntry(s.maxBytesPerEntry())
                .inFlightWait(s.inFlightWait())
                .transactionBlockTimeout(s.transactionBlockTimeout())
                .build();
    }
}
