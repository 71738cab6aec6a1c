package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.ParserWarmUp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Statements that may hide DDL, through Cachet and directly, on the PostgreSQL server at
 * {@code -Dcachet.bench.pg.host} (default {@code 127.0.0.1:5432}, user postgres), in a throwaway database of 21 tables
 * (20 with a foreign key each): {@code CALL bump()} (a procedure updating one row) and {@code SELECT answer()} (a
 * function of the application's own). Cachet treats each as a write to every table and puts its catalog in doubt; what
 * this measures is what that costs a call — once a catalog reading per call.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CallBenchmark {

    private String name;
    private Connection admin;
    private Connection direct;
    private Connection cachet;
    private PreparedStatement directCall;
    private PreparedStatement cachetCall;
    private PreparedStatement directFunction;
    private PreparedStatement cachetFunction;

    @Setup(Level.Trial)
    public void create() throws Exception {
        Class.forName("dev.cachet.driver.CachetDriver");
        ParserWarmUp.run();
        String host = System.getProperty("cachet.bench.pg.host", "127.0.0.1:5432");
        Properties credentials = new Properties();
        credentials.setProperty("user", System.getProperty("cachet.bench.pg.user", "postgres"));
        credentials.setProperty("password", System.getProperty("cachet.bench.pg.password", ""));
        name = "cachet_call_" + UUID.randomUUID().toString().substring(0, 8);
        admin = DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", credentials);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String url = "postgresql://" + host + "/" + name;
        direct = DriverManager.getConnection("jdbc:" + url, credentials);
        try (Statement s = direct.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
            for (int i = 0; i < 20; i++) {
                s.execute("CREATE TABLE x" + i + " (id INT PRIMARY KEY, t_id INT REFERENCES t (id), v INT)");
            }
            s.execute("INSERT INTO t VALUES (1, 0)");
            s.execute("CREATE PROCEDURE bump() LANGUAGE sql AS $$ UPDATE t SET v = v + 1 WHERE id = 1 $$");
            s.execute("CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS $$ SELECT 42 $$");
        }
        Properties on = new Properties();
        on.putAll(credentials);
        on.setProperty("cachet.cluster", "call-" + name);
        cachet = DriverManager.getConnection("jdbc:cachet:" + url, on);
        directCall = direct.prepareStatement("CALL bump()");
        cachetCall = cachet.prepareStatement("CALL bump()");
        directFunction = direct.prepareStatement("SELECT answer()");
        cachetFunction = cachet.prepareStatement("SELECT answer()");
    }

    @TearDown(Level.Trial)
    public void drop() throws SQLException {
        cachet.close();
        direct.close();
        try (Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE " + name + " WITH (FORCE)");
        }
        admin.close();
    }

    private static int one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Benchmark
    public boolean directCall() throws SQLException {
        return directCall.execute();
    }

    @Benchmark
    public boolean cachetCall() throws SQLException {
        return cachetCall.execute();
    }

    @Benchmark
    public int directFunction() throws SQLException {
        return one(directFunction);
    }

    @Benchmark
    public int cachetFunction() throws SQLException {
        return one(cachetFunction);
    }
}
