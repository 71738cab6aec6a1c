package dev.cachet.bench.workload;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 1..n} with probability proportional to {@code 1 / rank^s} — exactly, not approximately.
 *
 * <p>Uses rejection-inversion sampling (W. Hörmann, G. Derflinger, "Rejection-inversion to generate variates
 * from monotone discrete distributions", ACM TOMACS 6(3), 1996): a continuous hat function whose integral can
 * be inverted in closed form is sampled, and the few draws that fall outside the discrete histogram are
 * rejected. The expected number of iterations per draw is close to 1 for every {@code n} and {@code s}, set-up
 * is O(1) (no zeta table), and a draw allocates nothing.
 *
 * <p>Immutable and thread-safe; the randomness comes from the caller's {@link SplittableRandom}, so each
 * worker thread keeps its own source and no state is shared.
 */
public final class ZipfianGenerator {

    private final long n;
    private final double s;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double squeeze;

    /**
     * @param n number of ranks, at least 1
     * @param s skew exponent, greater than 0 (0.99 is the customary "hot set" skew)
     */
    public ZipfianGenerator(long n, double s) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1: " + n);
        }
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("s must be positive and finite: " + s);
        }
        this.n = n;
        this.s = s;
        this.hIntegralX1 = hIntegral(1.5) - 1.0;
        this.hIntegralN = hIntegral(n + 0.5);
        this.squeeze = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
    }

    /** Number of ranks. */
    public long size() {
        return n;
    }

    /** Skew exponent. */
    public double skew() {
        return s;
    }

    /** Returns the next rank, in {@code 1..n}; rank 1 is the most frequent. */
    public long next(SplittableRandom random) {
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            long k = (long) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            // Cheap acceptance first (k close to x), then the exact test against the histogram bar.
            if (k - x <= squeeze || u >= hIntegral(k + 0.5) - h(k)) {
                return k;
            }
        }
    }

    /** The exact probability of {@code rank}, for tests and reports: {@code rank^-s / H(n, s)}. O(n). */
    public double probability(long rank) {
        double norm = 0;
        for (long k = 1; k <= n; k++) {
            norm += Math.pow(k, -s);
        }
        return Math.pow(rank, -s) / norm;
    }

    /** The unnormalized density {@code x^-s}. */
    private double h(double x) {
        return Math.exp(-s * Math.log(x));
    }

    /** An antiderivative of the hat function: {@code (x^(1-s) - 1) / (1 - s)}, continuous at s = 1. */
    private double hIntegral(double x) {
        double logX = Math.log(x);
        return expm1OverX((1.0 - s) * logX) * logX;
    }

    /** Inverse of {@link #hIntegral}. */
    private double hIntegralInverse(double x) {
        double t = x * (1.0 - s);
        if (t < -1.0) {
            t = -1.0; // guards against rounding just outside the domain
        }
        return Math.exp(log1pOverX(t) * x);
    }

    /** {@code log(1+x)/x}, accurate near 0. */
    private static double log1pOverX(double x) {
        if (Math.abs(x) > 1e-8) {
            return Math.log1p(x) / x;
        }
        return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    /** {@code (exp(x)-1)/x}, accurate near 0. */
    private static double expm1OverX(double x) {
        if (Math.abs(x) > 1e-8) {
            return Math.expm1(x) / x;
        }
        return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
    }
}
