package dev.cachet.bench.workload;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a grouped bar chart of ratios (one group per mix, one bar per contender) on a logarithmic axis with a
 * line at 1×, as a self-contained SVG string. Plain text output, no dependency.
 */
final class SvgChart {

    private static final String[] COLORS = {"#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2"};
    private static final double[] TICKS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    private SvgChart() {
    }

    static String ratios(String title, List<String> contenders, Map<String, Map<String, Spread>> groups) {
        double lo = 1;
        double hi = 1;
        for (Map<String, Spread> g : groups.values()) {
            for (Spread s : g.values()) {
                if (!Double.isNaN(s.min()) && s.min() > 0) {
                    lo = Math.min(lo, s.min());
                }
                if (!Double.isNaN(s.max())) {
                    hi = Math.max(hi, s.max());
                }
            }
        }
        double axisLo = 0.01;
        double axisHi = 1000;
        for (double t : TICKS) {
            if (t <= lo * 0.9) {
                axisLo = t;
            }
        }
        for (int i = TICKS.length - 1; i >= 0; i--) {
            if (TICKS[i] >= hi * 1.1) {
                axisHi = TICKS[i];
            }
        }
        int left = 70;
        int top = 60;
        int plotH = 320;
        int barW = 22;
        int groupGap = 44;
        int groupW = contenders.size() * barW;
        int plotW = groups.size() * (groupW + groupGap) + groupGap;
        int width = left + plotW + 20;
        int legendTop = top + plotH + 85;
        int height = legendTop + 20 * ((contenders.size() + 2) / 3) + 20;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        String[] titleLines = title.split("\n", 2);
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", left,
                xml(titleLines[0])));
        if (titleLines.length > 1) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"38\" font-size=\"11\" fill=\"#444\">%s</text>%n",
                    left, xml(titleLines[1])));
        }
        double logLo = Math.log10(axisLo);
        double logHi = Math.log10(axisHi);
        for (double t : TICKS) {
            if (t < axisLo || t > axisHi) {
                continue;
            }
            double y = y(t, logLo, logHi, top, plotH);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"%s\"/>%n", left, left + plotW, y, y, t == 1 ? "#000" : "#ddd",
                    t == 1 ? "1.5" : "1"));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s×</text>%n",
                    left - 6, y + 4, tick(t)));
        }
        int gi = 0;
        for (Map.Entry<String, Map<String, Spread>> g : groups.entrySet()) {
            int gx = left + groupGap + gi * (groupW + groupGap);
            int ci = 0;
            for (String c : contenders) {
                Spread s = g.getValue().get(c);
                int x = gx + ci * barW;
                if (s != null && !Double.isNaN(s.median()) && s.median() > 0) {
                    double base = y(axisLo, logLo, logHi, top, plotH);
                    double yv = y(clamp(s.median(), axisLo, axisHi), logLo, logHi, top, plotH);
                    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%s: %s× [%s–%s]</title></rect>%n", x + 1, yv, barW - 2, base - yv,
                            COLORS[ci % COLORS.length], xml(c), Report.fmt(s.median()), Report.fmt(s.min()),
                            Report.fmt(s.max())));
                    double y1 = y(clamp(s.min(), axisLo, axisHi), logLo, logHi, top, plotH);
                    double y2 = y(clamp(s.max(), axisLo, axisHi), logLo, logHi, top, plotH);
                    double cx = x + barW / 2.0;
                    b.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" "
                            + "stroke=\"#000\"/>%n", cx, y1, y2, cx - 4, y1, cx + 4, cx - 4, y2, cx + 4));
                    b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
                            + "text-anchor=\"middle\">%s</text>%n", cx, Math.min(y2, yv) - 3, Report.fmt(s.median())));
                }
                ci++;
            }
            String[] label = g.getKey().split(": ", 2);
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                    + "font-weight=\"bold\">%s</text>%n", gx + groupW / 2, top + plotH + 18, xml("mix " + label[0])));
            if (label.length > 1) {
                int lineChars = Math.max(12, (groupW + groupGap) / 6);
                String rest = label[1];
                for (int line = 0; line < 3 && !rest.isEmpty(); line++) {
                    int cut = rest.length() <= lineChars ? rest.length() : Math.max(1, rest.lastIndexOf(' ', lineChars));
                    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                            + "font-size=\"10\" fill=\"#444\">%s</text>%n", gx + groupW / 2,
                            top + plotH + 32 + line * 12, xml(rest.substring(0, cut).trim())));
                    rest = rest.substring(cut).trim();
                }
            }
            gi++;
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n",
                left, left, top, top + plotH));
        for (int i = 0; i < contenders.size(); i++) {
            int lx = left + (i % 3) * 220;
            int ly = legendTop + (i / 3) * 20;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, ly - 10, COLORS[i % COLORS.length], lx + 18, ly,
                    xml(contenders.get(i))));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static String tick(double t) {
        if (t >= 1) {
            return String.format(Locale.ROOT, "%.0f", t);
        }
        return java.math.BigDecimal.valueOf(t).stripTrailingZeros().toPlainString();
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static double y(double v, double logLo, double logHi, int top, int plotH) {
        return top + plotH - (Math.log10(v) - logLo) / (logHi - logLo) * plotH;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
