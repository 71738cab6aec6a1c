package dev.cachet.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void oddSample() {
        Spread s = Spread.of(5, 1, 3);
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.median()).isEqualTo(3);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(5);
        assertThat(s.q1()).isEqualTo(2);
        assertThat(s.q3()).isEqualTo(4);
    }

    @Test
    void evenSampleInterpolates() {
        Spread s = Spread.of(4, 1, 3, 2);
        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.q1()).isCloseTo(1.75, within(1e-12)); // NumPy 'linear' gives 1.75
        assertThat(s.q3()).isCloseTo(3.25, within(1e-12));
    }

    @Test
    void relativeSpreadIsTheLargerSide() {
        assertThat(Spread.of(90, 100, 120).relativeSpread()).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void inputIsNotModifiedAndEmptyIsNaN() {
        double[] in = {3, 1, 2};
        Spread.of(in);
        assertThat(in).containsExactly(3, 1, 2);
        assertThat(Spread.of().median()).isNaN();
        assertThat(Spread.of(7).median()).isEqualTo(7);
    }
}
