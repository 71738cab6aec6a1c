package dev.cachet.agent;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.cachet.agent.bootstrap.CachetBridge;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the agent (called reflectively by {@link CachetAgent}, which reports any failure): reads the settings,
 * puts the bridge into the bootstrap class loader, installs the handler, then the advice on
 * <ul>
 *   <li>every {@code java.sql.Driver}'s {@code connect(String, Properties)} ({@link DriverConnectAdvice}), and</li>
 *   <li>the {@code getConnection} methods of the DataSources of JDBC drivers (by package: PostgreSQL, H2, MariaDB,
 *       MySQL, …; never a pool's — pools then pool Cachet connections) ({@link DataSourceConnectionAdvice}).</li>
 * </ul>
 */
public final class AgentInstaller {

    /** Set once the agent is installed; the Spring Boot starter then leaves DataSources alone. */
    static final String ACTIVE_PROPERTY = "dev.cachet.agent.active";

    /** Packages of JDBC drivers whose DataSources hand out physical connections. */
    private static final String[] DRIVER_PACKAGES = {"org.postgresql.", "org.h2.", "org.mariadb.jdbc.",
            "com.mysql.", "org.hsqldb.", "org.apache.derby.", "oracle.jdbc.", "com.microsoft.sqlserver.",
            "org.sqlite.", "com.ibm.db2.", "net.sourceforge.jtds."};

    private AgentInstaller() {
    }

    public static void install(String arguments, Instrumentation instrumentation) throws IOException {
        AgentSettings settings = AgentSettings.load(arguments);
        injectBridge(instrumentation);
        // a method of its own: verifying this one must not load the bridge's types through the application class
        // loader before they are in the bootstrap loader
        instrument(settings, instrumentation);
        System.setProperty(ACTIVE_PROPERTY, "true");
        AgentLog.line("active (Cachet " + version() + ") for " + settings.describe());
    }

    private static void instrument(AgentSettings settings, Instrumentation instrumentation) {
        // Byte Buddy's safe mode: no sun.misc.Unsafe (JDK 24+ warns about it), which the advice does not need. The
        // name is relocated with Byte Buddy, so this concerns the agent's copy only, never the application's.
        System.setProperty("net.bytebuddy.safe", "true");
        Bridged.install(settings);
        try {
            new AgentBuilder.Default()
                    .disableClassFormatChanges()
                    // advice needs no auxiliary classes; injecting none keeps JDK 24+ from warning about Unsafe
                    .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE)
                    .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                    .with(new Failures())
                    .ignore(nameStartsWith("java.").or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
                            .or(nameStartsWith("com.sun.")).or(nameStartsWith("dev.cachet."))
                            .or(nameStartsWith("net.bytebuddy.")).or(nameStartsWith("com.zaxxer.hikari."))
                            .or(nameStartsWith("org.springframework.")).or(isSynthetic())
                            // large libraries that hold no JDBC driver: matching their classes would only cost
                            // start-up time (every class is checked for Driver / DataSource super types)
                            .or(nameStartsWith("org.hibernate.")).or(nameStartsWith("org.apache.catalina."))
                            .or(nameStartsWith("org.apache.tomcat.")).or(nameStartsWith("org.apache.coyote."))
                            .or(nameStartsWith("com.fasterxml.")).or(nameStartsWith("tools.jackson."))
                            .or(nameStartsWith("io.micrometer.")).or(nameStartsWith("ch.qos.logback."))
                            .or(nameStartsWith("org.apache.logging.")).or(nameStartsWith("org.slf4j."))
                            .or(nameStartsWith("io.netty.")).or(nameStartsWith("reactor.")).or(nameStartsWith("kotlin."))
                            .or(nameStartsWith("org.aspectj.")).or(nameStartsWith("org.jboss.logging."))
                            .or(nameStartsWith("jakarta.")).or(nameStartsWith("org.yaml.")))
                    .type(not(isInterface()).and(hasSuperType(named("java.sql.Driver"))))
                    .transform(advice(DriverConnectAdvice.class, named("connect")
                            .and(takesArguments(String.class, java.util.Properties.class))))
                    .type(not(isInterface()).and(driverPackage()).and(hasSuperType(named("javax.sql.DataSource"))))
                    .transform(advice(DataSourceConnectionAdvice.class, named("getConnection")
                            .and(takesArguments(0).or(takesArguments(String.class, String.class)))
                            .and(returns(named("java.sql.Connection")))))
                    .installOn(instrumentation);
        } catch (RuntimeException | Error e) {
            Bridged.uninstall();
            throw e;
        }
    }

    /** The only code naming the bridge's types; loaded after the bridge is in the bootstrap class loader. */
    private static final class Bridged {
        static void install(AgentSettings settings) {
            CachetBridge.install(new AgentHandler(settings, new ClusterMBeans()));
        }

        static void uninstall() {
            CachetBridge.install(null);
        }
    }

    private static AgentBuilder.Transformer advice(Class<?> advice,
            ElementMatcher.Junction<net.bytebuddy.description.method.MethodDescription> methods) {
        return (builder, type, loader, module, domain) ->
                builder.visit(Advice.to(advice).on(methods.and(not(isAbstract()))));
    }

    private static ElementMatcher.Junction<TypeDescription> driverPackage() {
        ElementMatcher.Junction<TypeDescription> m = nameStartsWith(DRIVER_PACKAGES[0]);
        for (int i = 1; i < DRIVER_PACKAGES.length; i++) {
            m = m.or(nameStartsWith(DRIVER_PACKAGES[i]));
        }
        return m;
    }

    /** Puts {@link CachetBridge} into the bootstrap class loader (through a small jar of its own). */
    private static void injectBridge(Instrumentation instrumentation) throws IOException {
        File jar = Files.createTempFile("cachet-agent-bridge", ".jar").toFile();
        jar.deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar.toPath()))) {
            for (String name : new String[] {"CachetBridge", "CachetBridge$Handler"}) {
                String entry = "dev/cachet/agent/bootstrap/" + name + ".class";
                try (InputStream in = AgentInstaller.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IOException("the agent jar lacks " + entry);
                    }
                    out.putNextEntry(new JarEntry(entry));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }

    private static String version() {
        String v = AgentInstaller.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** A class the advice could not be applied to keeps working uncached; said once per class. */
    private static final class Failures extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            AgentLog.once("transform " + typeName, typeName + " runs without Cachet: it could not be instrumented ("
                    + AgentLog.describe(throwable) + ")");
        }
    }

}
