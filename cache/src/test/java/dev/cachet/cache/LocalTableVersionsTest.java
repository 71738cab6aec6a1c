package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A stamp of one, two, three or four tables (each size has its own layout) goes stale when any of its tables advances
 * or everything does, and only then.
 */
class LocalTableVersionsTest {

    private static List<String> tables(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("t" + i);
        }
        return names;
    }

    @Test
    void aStampOfAnySizeGoesStaleWithEachOfItsTablesAndNoOther() {
        for (int n = 1; n <= 4; n++) {
            LocalTableVersions versions = new LocalTableVersions();
            List<String> names = tables(n);
            for (String advanced : names) {
                VersionStamp stamp = versions.stamp(names);
                assertThat(stamp.isCurrent()).as("%s tables, fresh", n).isTrue();
                versions.advance(Set.of("other"));
                assertThat(stamp.isCurrent()).as("%s tables, another table advanced", n).isTrue();
                versions.advance(Set.of(advanced));
                assertThat(stamp.isCurrent()).as("%s tables, %s advanced", n, advanced).isFalse();
            }
            VersionStamp stamp = versions.stamp(names);
            versions.advanceAll();
            assertThat(stamp.isCurrent()).as("%s tables, everything advanced", n).isFalse();
            assertThat(versions.stamp(names).isCurrent()).as("%s tables, stamped after", n).isTrue();
        }
    }
}
