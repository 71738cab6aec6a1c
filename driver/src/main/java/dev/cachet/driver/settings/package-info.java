/**
 * How Cachet's settings are read and parsed: the {@code cachet.properties} file, value parsers (durations, sizes,
 * names, hosts), the shared tier's settings, and the timeouts and driver options derived from them for the physical
 * connections. Not an API: its types are public only so that {@link dev.cachet.driver.CachetSettings} and the
 * driver's entry points in {@code dev.cachet.driver} can use them; applications read settings through
 * {@code CachetSettings} and may change this package's types in any release.
 */
package dev.cachet.driver.settings;
