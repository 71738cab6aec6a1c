package dev.cachet.bench.parser;

import dev.cachet.parser.Dialect;
import dev.cachet.parser.SqlAnalyzer;
import dev.cachet.parser.StatementInfo;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What analyzing a statement costs: a cold analysis (parse on the parser pool, tree walk,
 * classification — what the first execution of a distinct text pays) and a memoized hit (what every
 * later execution pays), for a short statement and a long (~2 KB, joins and subqueries) one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
public class SqlAnalysisBenchmark {

    static final String SHORT = "select id, name, email from customers where id = ?";

    static final String LONG = longStatement();

    @Param({"short", "long"})
    public String statement;

    private String sql;
    private SqlAnalyzer analyzer;

    @Setup
    public void setUp() {
        sql = statement.equals("short") ? SHORT : LONG;
        // a generous budget: the benchmark measures the work, not the time-out
        analyzer = new SqlAnalyzer(10_000, Duration.ofSeconds(10));
        StatementInfo info = analyzer.analyze(sql, Dialect.POSTGRESQL);
        if (!info.cacheable()) {
            throw new IllegalStateException("benchmark statement must be an ordinary cacheable query: " + info);
        }
    }

    /** A statement seen for the first time: nothing memoized. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public StatementInfo cold() {
        return analyzer.analyzeUncached(sql, Dialect.POSTGRESQL);
    }

    /** A statement seen before: one memo look-up. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public StatementInfo memoized() {
        return analyzer.analyze(sql, Dialect.POSTGRESQL);
    }

    static String longStatement() {
        StringBuilder b = new StringBuilder(2200);
        b.append("select o.id, o.created_at, o.status, c.id as customer_id, c.name, c.email, a.city, a.country, ")
                .append("coalesce(sum(l.quantity * l.unit_price), 0) as total, count(distinct l.product_id) as products, ")
                .append("max(p.paid_at) as last_payment, ")
                .append("(select count(*) from returns r where r.order_id = o.id and r.state <> 'rejected') as returns, ")
                .append("(select min(s.shipped_at) from shipments s where s.order_id = o.id) as first_shipment ")
                .append("from orders o ")
                .append("join customers c on c.id = o.customer_id ")
                .append("left join addresses a on a.id = o.shipping_address_id ")
                .append("left join order_lines l on l.order_id = o.id ")
                .append("left join payments p on p.order_id = o.id and p.state = 'settled' ")
                .append("where o.created_at >= ? and o.created_at < ? ")
                .append("and o.status in (?, ?, ?, ?) ")
                .append("and c.segment = ? ")
                .append("and exists (select 1 from order_lines l2 join products pr on pr.id = l2.product_id ")
                .append("where l2.order_id = o.id and pr.category_id in (select id from categories where parent_id = ?)) ")
                .append("and o.id not in (select order_id from fraud_flags where severity > ?) ")
                .append("and lower(c.email) like ? ")
                .append("group by o.id, o.created_at, o.status, c.id, c.name, c.email, a.city, a.country ")
                .append("having coalesce(sum(l.quantity * l.unit_price), 0) > (select avg(total) from order_totals where month = ?) ")
                .append("order by total desc, o.created_at desc ")
                .append("limit ? offset ?");
        // widen the select list the way an ORM does, with plain columns, to about 2 KB
        int column = 0;
        while (b.length() < 2000) {
            b.insert(b.indexOf(" from orders o "), ", o.attribute_" + column++);
        }
        return b.toString();
    }
}
