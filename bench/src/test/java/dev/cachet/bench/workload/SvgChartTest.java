package dev.cachet.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgChartTest {

    @Test
    void drawsOneBarPerContenderAndMixAsWellFormedSvg() throws Exception {
        Map<String, Map<String, Spread>> groups = new LinkedHashMap<>();
        for (String mix : List.of("a: read-only & <point> queries", "b: writes")) {
            Map<String, Spread> bars = new LinkedHashMap<>();
            bars.put("direct", Spread.of(1, 1, 1));
            bars.put("cachet-on", Spread.of(4, 5, 9));
            bars.put("missing", Spread.of());
            groups.put(mix, bars);
        }
        String svg = SvgChart.ratios("Throughput\nsubtitle", List.of("direct", "cachet-on", "missing"), groups);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        // 2 mixes x 2 contenders with data, plus the background and 3 legend swatches
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(1 + 4 + 3);
        assertThat(svg).contains("cachet-on: 5.00× [4.00–9.00]").contains("&amp;").contains("&lt;point&gt;");
    }

    @Test
    void optionsParseAndQuickShortensTheRun() {
        RunOptions o = RunOptions.parse("postgres", "--quick", "--threads", "8", "--mixes", "a,c",
                "--pg-replicas", "", "--write-ratio", "0.2");
        assertThat(o.target).isEqualTo("postgres");
        assertThat(o.threads).isEqualTo(8);
        assertThat(o.poolSize).isEqualTo(8);
        assertThat(o.mixes).containsExactly(Mix.READ_ONLY, Mix.SINGLE_TABLE);
        assertThat(o.pgReplicas).isEmpty();
        assertThat(o.rounds).isEqualTo(2);
        assertThat(o.writeRatio(Mix.SINGLE_TABLE)).isEqualTo(0.2);
        assertThat(o.writeRatio(Mix.READ_ONLY)).isZero();
        assertThat(RunOptions.parse().writeRatio(Mix.ORDERS_PRODUCTS)).isEqualTo(0.10);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunOptions.parse("mysql"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h2 or postgres");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunOptions.parse("--mixes", "z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mix");
    }
}
