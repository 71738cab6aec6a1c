package dev.cachet.driver;

/**
 * What caching one table earns (DESIGN §13), since the cluster was created: how often its results were served from
 * the cache, how many results were filled, how many of those an invalidation removed before anyone read them, and
 * how often it was written. Immutable snapshot; from {@link CachetCluster#tableStatistics()}.
 *
 * @param table           the canonical table name
 * @param hits            cached results served that read the table
 * @param fills           results filled into the cache that read the table
 * @param fillsWasted     filled results an invalidation removed before their first hit
 * @param writes          writes through Cachet that invalidated the table (row-precise or whole)
 * @param writesPerSecond the write rate over the last measuring window
 * @param writeHot        true while Cachet does not cache the table because caching it cost more than it saved
 *                        (reads then run on the database with reason {@code WRITE_HOT}; caching is tried again later)
 * @param switchedOff     how many times the table was switched off
 * @param fillCost        what filling a result of the table costs, in queries: the client time a fill adds (making
 *                        the stored key, beginning the fill, copying and storing the rows) over the time its query
 *                        took, averaged over one fill in 16 (0.25 until one was timed); a table is switched off when
 *                        its hits do not make up for its fills at this cost
 */
public record TableStatistics(String table, long hits, long fills, long fillsWasted, long writes,
                              double writesPerSecond, boolean writeHot, long switchedOff, double fillCost) {
}
