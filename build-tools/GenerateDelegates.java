import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Cachet's pass-through JDBC classes at build time, so that no delegation is written by hand.
 *
 * <p>For each JDBC interface it emits an abstract class whose every method forwards to a delegate of the
 * interface's type. Three shapes exist:
 * <ul>
 *   <li>a root class ({@code DelegatingStatement}, {@code DelegatingResultSet}, ...) that implements all the
 *       interface's methods over a delegate field;</li>
 *   <li>a root class whose subclass names the delegate through an abstract {@code delegate()} method
 *       (the cache module's {@code ForwardingResultSet}, for a delegate the subclass holds itself);</li>
 *   <li>a class that extends a hand-written Cachet class ({@code DelegatingPreparedStatement extends CachetStatement})
 *       and forwards only the methods the sub-interface declares itself, so the hand-written behaviour of the
 *       parent is inherited rather than duplicated.</li>
 * </ul>
 * The result sets {@code DatabaseMetaData} returns go through an abstract {@code wrap} hook.
 * The parameter setters of {@code PreparedStatement} also report every bound value to an abstract hook, because the
 * bound values are part of a cache key; setters of streams, LOBs and objects Cachet cannot compare by value report a
 * "stream" parameter instead, which makes the execution uncacheable. The plain setters may instead only record their
 * value ({@code defersBinding}), and {@code bindDeferred}, generated from the same table of setters, makes the call
 * later with the same setter.
 *
 * <p>Usage: {@code java GenerateDelegates.java <output source root> driver|cache}: the classes of that module.
 */
public final class GenerateDelegates {

    /**
     * One class to write. {@code movable}: the delegate field is not final, for a wrapper whose real object changes
     * over its life (a logical connection whose lead physical connection moves from a replica to the primary).
     * {@code accessor}: no field; the subclass answers an abstract {@code delegate()} method instead.
     */
    private record Spec(String pkg, String className, Class<?> iface, String field, String superclass,
                        String superParams, String superArgs, boolean recordParameters, boolean wrapResultSets,
                        boolean movable, boolean accessor) {
        Spec(String className, Class<?> iface, String field, String superclass, String superParams, String superArgs,
             boolean recordParameters, boolean wrapResultSets, boolean movable) {
            this(DRIVER, className, iface, field, superclass, superParams, superArgs, recordParameters,
                    wrapResultSets, movable, false);
        }

        Spec(String className, Class<?> iface, String field, String superclass, String superParams, String superArgs,
             boolean recordParameters) {
            this(className, iface, field, superclass, superParams, superArgs, recordParameters, false, false);
        }

        /** Where calls go: the field, or the subclass's accessor. */
        String target() {
            return accessor ? "delegate()" : field;
        }
    }

    private static final String DRIVER = "dev.cachet.driver.jdbc";

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: GenerateDelegates <output source root> driver|cache");
        }
        List<Spec> specs = switch (args[1]) {
            case "driver" -> driverSpecs();
            case "cache" -> List.of(new Spec("dev.cachet.cache", "ForwardingResultSet", ResultSet.class, null, null,
                    null, null, false, false, false, true));
            default -> throw new IllegalArgumentException("unknown module " + args[1]);
        };
        for (Spec spec : specs) {
            Path dir = Path.of(args[0]).resolve(spec.pkg.replace('.', '/'));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(spec.className + ".java"), generate(spec));
        }
    }

    private static List<Spec> driverSpecs() {
        return List.of(
                new Spec("DelegatingConnection", Connection.class, "delegate", null, null, null, false, false, true),
                new Spec("DelegatingStatement", Statement.class, "delegate", null, null, null, false),
                new Spec("DelegatingPreparedStatement", PreparedStatement.class, "preparedDelegate",
                        "CachetStatement",
                        "CachetConnection connection, PhysicalConnection home, StatementOptions options",
                        "connection, home, preparedDelegate, options", true),
                new Spec("DelegatingCallableStatement", CallableStatement.class, "callableDelegate",
                        "CachetPreparedStatement",
                        "CachetConnection connection, PhysicalConnection home, StatementOptions options",
                        "connection, home, callableDelegate, options", false),
                new Spec("DelegatingResultSet", ResultSet.class, "delegate", null, null, null, false),
                new Spec("DelegatingDatabaseMetaData", DatabaseMetaData.class, "delegate", null, null, null, false,
                        true, false));
    }

    private static String generate(Spec spec) {
        String iface = spec.iface.getName();
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("// Generated by build-tools/GenerateDelegates.java; do not edit.\n");
        out.append("package ").append(spec.pkg).append(";\n\n");
        out.append("/** Forwards every {@link ").append(iface).append("} method")
                .append(spec.superclass == null ? "" : " the interface declares itself")
                .append(" to {@link #").append(spec.accessor ? "delegate()" : spec.field)
                .append("}; Cachet's classes override what they change. */\n");
        out.append("@SuppressWarnings({\"deprecation\", \"removal\"})\n");
        out.append("public abstract class ").append(spec.className)
                .append(spec.superclass == null ? "" : " extends " + spec.superclass)
                .append(" implements ").append(iface).append(" {\n\n");
        if (spec.accessor) {
            out.append("    /** The object every call goes to; never null. */\n");
            out.append("    protected abstract ").append(iface).append(" delegate();\n\n");
        } else if (spec.movable) {
            out.append("    /** The real driver's object calls go to now; never null. Only the subclass moves it. */\n");
            out.append("    protected ").append(iface).append(' ').append(spec.field).append(";\n\n");
        } else {
            out.append("    /** The real driver's object; never null. */\n");
            out.append("    protected final ").append(iface).append(' ').append(spec.field).append(";\n\n");
        }
        if (spec.accessor) {
            // the subclass's own constructor is all it needs
        } else if (spec.superclass == null) {
            out.append("    protected ").append(spec.className).append('(').append(iface).append(' ')
                    .append(spec.field).append(") {\n");
            out.append("        this.").append(spec.field).append(" = java.util.Objects.requireNonNull(")
                    .append(spec.field).append(");\n    }\n\n");
        } else {
            out.append("    protected ").append(spec.className).append('(').append(spec.superParams).append(", ")
                    .append(iface).append(' ').append(spec.field).append(") {\n");
            out.append("        super(").append(spec.superArgs).append(");\n");
            out.append("        this.").append(spec.field).append(" = ").append(spec.field).append(";\n    }\n\n");
        }
        if (spec.wrapResultSets) {
            out.append("    /** Wraps every result set the real object returns (so none hands out the real driver's statement). */\n");
            out.append("    protected abstract java.sql.ResultSet wrap(java.sql.ResultSet real);\n\n");
        }
        if (spec.recordParameters) {
            out.append("    /** Called after the real setter succeeded: the value (boxed) and its JDBC type, for the cache key. */\n");
            out.append("    protected abstract void parameterBound(int index, Object value, int sqlType);\n\n");
            out.append("    /** Called after a stream, LOB or other value that cannot be compared by content was bound. */\n");
            out.append("    protected abstract void streamParameterBound(int index);\n\n");
            out.append("    /** False when nothing reads the bound values: the setters then neither box nor record them. */\n");
            out.append("    protected abstract boolean recordsParameters();\n\n");
            out.append("    /**\n     * Whether a stream-like value ({@code stream}: a stream, LOB, array, ... setter; else a {@code setObject} value to\n");
            out.append("     * look at) is bound later, on the physical connection the execution runs on, instead of on the real statement now.\n     */\n");
            out.append("    protected abstract boolean bindsLater(Object value, boolean stream);\n\n");
            out.append("    /** Keeps a setter call for the physical statement an execution runs on (see {@link #bindsLater}). */\n");
            out.append("    protected abstract void bindLater(int index, ParameterBinder binder);\n\n");
            out.append("    /**\n     * Whether the plain setter for {@code index} (a number, string, byte array, date, time or timestamp) only records\n");
            out.append("     * its value,");
            out.append(" to be bound on the real statement by {@link #bindDeferred} when an execution needs it.\n     */\n");
            out.append("    protected abstract boolean defersBinding(int index) throws java.sql.SQLException;\n\n");
            out.append("    /** Records the value of a plain setter whose binding is deferred (see {@link #defersBinding}). */\n");
            out.append("    protected abstract void parameterDeferred(int index, Object value, int sqlType)\n");
            out.append("            throws java.sql.SQLException;\n\n");
            appendBindDeferred(out);
            appendCopiedForBinding(out);
        }
        for (Method m : methods(spec)) {
            appendMethod(out, spec, m);
        }
        out.append("}\n");
        return out.toString();
    }

    /** The methods to forward: public, abstract or default interface methods, one per signature, in a stable order. */
    private static List<Method> methods(Spec spec) {
        Method[] candidates = spec.superclass == null ? spec.iface.getMethods() : spec.iface.getDeclaredMethods();
        Map<String, Method> bySignature = new LinkedHashMap<>();
        for (Method m : candidates) {
            if (Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            String sig = m.getName() + Arrays.toString(m.getParameterTypes());
            Method known = bySignature.get(sig);
            // keep the most specific return type when interfaces redeclare a method covariantly
            if (known == null || known.getReturnType().isAssignableFrom(m.getReturnType())) {
                bySignature.put(sig, m);
            }
        }
        List<Method> list = new ArrayList<>(bySignature.values());
        list.sort(Comparator.comparing(Method::getName).thenComparing(m -> Arrays.toString(m.getParameterTypes())));
        return list;
    }

    private static void appendMethod(StringBuilder out, Spec spec, Method m) {
        String name = m.getName();
        boolean wrapperMethod = name.equals("unwrap") || name.equals("isWrapperFor");
        if (wrapperMethod && spec.superclass != null) {
            return; // the root class already answers for the whole chain
        }
        Parameter[] params = m.getParameters();
        StringBuilder decl = new StringBuilder();
        StringBuilder call = new StringBuilder();
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                decl.append(", ");
                call.append(", ");
            }
            decl.append(typeName(params[i].getParameterizedType(), m.isVarArgs() && i == params.length - 1))
                    .append(" a").append(i);
            call.append('a').append(i);
        }
        String generics = "";
        if (m.getTypeParameters().length > 0) {
            generics = "<" + String.join(", ", Arrays.stream(m.getTypeParameters()).map(Type::getTypeName).toList()) + "> ";
        }
        out.append("    @Override\n    public ").append(generics).append(typeName(m.getGenericReturnType(), false))
                .append(' ').append(name).append('(').append(decl).append(')');
        if (m.getExceptionTypes().length > 0) {
            out.append(" throws ").append(String.join(", ",
                    Arrays.stream(m.getExceptionTypes()).map(Class::getName).toList()));
        }
        out.append(" {\n");
        if (name.equals("unwrap")) {
            out.append("        if (a0.isInstance(this)) {\n            return a0.cast(this);\n        }\n");
            out.append("        if (a0.isInstance(").append(spec.target()).append(")) {\n            return a0.cast(")
                    .append(spec.target()).append(");\n        }\n");
            out.append("        return ").append(spec.target()).append(".unwrap(a0);\n    }\n\n");
            return;
        }
        if (name.equals("isWrapperFor")) {
            out.append("        return a0.isInstance(this) || a0.isInstance(").append(spec.target()).append(") || ")
                    .append(spec.target()).append(".isWrapperFor(a0);\n    }\n\n");
            return;
        }
        String invocation = spec.target() + '.' + name + '(' + call + ')';
        String record = spec.recordParameters ? parameterRecord(m) : null;
        if (record != null && (record.startsWith("streamParameterBound") || name.equals("setObject"))) {
            // a stream is read once: bound where the execution runs when the statement's home may not be that place
            out.append("        if (bindsLater(").append(name.equals("setObject") ? "a1, false" : "null, true")
                    .append(")) {\n            bindLater(a0, s -> s.").append(name).append('(').append(call)
                    .append("));\n            return;\n        }\n");
        }
        if (record != null && appendCopy(out, m.getParameterTypes()[1])) {
            // from here on the setter binds and records the copy
            invocation = invocation.replaceAll("\\ba1\\b", "v1");
            record = record.replaceAll("\\ba1\\b", "v1");
        }
        if (record != null && DEFERRABLE.containsKey(name) && m.getParameterCount() == 2) {
            // the value is recorded for the key anyway; a hit never reaches the real statement
            out.append("        if (defersBinding(a0)) {\n            ")
                    .append(record.replace("parameterBound(", "parameterDeferred(")).append(";\n            return;\n        }\n");
        }
        if (m.getReturnType() == void.class) {
            out.append("        ").append(invocation).append(";\n");
            if (record != null) {
                out.append("        if (recordsParameters()) {\n            ").append(record).append(";\n        }\n");
            }
        } else if (spec.wrapResultSets && m.getReturnType() == java.sql.ResultSet.class) {
            out.append("        return wrap(").append(invocation).append(");\n");
        } else {
            out.append("        return ").append(invocation).append(";\n");
        }
        out.append("    }\n\n");
    }

    /** The JDBC type each typed setter's value is recorded with; the type also says which setter bound it. */
    private static final Map<String, String> SETTER_TYPES = new LinkedHashMap<>();

    /** The setters whose binding a statement may defer, with the class of the value they record. */
    private static final Map<String, String> DEFERRABLE = new LinkedHashMap<>();

    static {
        String[][] setters = {
            {"setBoolean", "BOOLEAN", "Boolean"}, {"setByte", "TINYINT", "Byte"}, {"setShort", "SMALLINT", "Short"},
            {"setInt", "INTEGER", "Integer"}, {"setLong", "BIGINT", "Long"}, {"setFloat", "REAL", "Float"},
            {"setDouble", "DOUBLE", "Double"}, {"setBigDecimal", "DECIMAL", "java.math.BigDecimal"},
            {"setString", "VARCHAR", "String"}, {"setNString", "NVARCHAR", null}, {"setBytes", "VARBINARY", "byte[]"},
            {"setDate", "DATE", "java.sql.Date"}, {"setTime", "TIME", "java.sql.Time"},
            {"setTimestamp", "TIMESTAMP", "java.sql.Timestamp"}, {"setURL", "DATALINK", null}};
        for (String[] setter : setters) {
            SETTER_TYPES.put(setter[0], setter[1]);
            if (setter[2] != null) {
                DEFERRABLE.put(setter[0], setter[2]);
            }
        }
    }

    /**
     * A date, time, timestamp or byte array is copied before anything takes it, and the real driver and the record get
     * the same copy: a driver that reads the value only at the execution (MariaDB Connector/J) then sends what the key
     * and the write's row pins say, whatever the application does to its own object in between.
     */
    private static boolean appendCopy(StringBuilder out, Class<?> valueType) {
        String type = valueType == byte[].class ? "byte[]" : valueType.getName();
        String copy;
        if (java.util.Date.class.isAssignableFrom(valueType)) {
            copy = "(" + type + ") a1.clone()";
        } else if (valueType == byte[].class) {
            copy = "a1.clone()";
        } else if (valueType == Object.class) {
            copy = "copiedForBinding(a1)";
        } else {
            return false;
        }
        out.append("        ").append(type).append(" v1 = a1 != null && recordsParameters() ? ").append(copy)
                .append(" : a1;\n");
        return true;
    }

    private static void appendCopiedForBinding(StringBuilder out) {
        out.append("    /** A copy of a date or byte array bound as an object, which the driver and the record then share. */\n");
        out.append("    protected static Object copiedForBinding(Object value) {\n");
        out.append("        if (value instanceof java.util.Date date) {\n            return date.clone();\n        }\n");
        out.append("        return value instanceof byte[] bytes ? bytes.clone() : value;\n    }\n\n");
    }

    /** The replay of a deferred setter: the same setter, chosen by the type {@link #parameterRecord} gave it. */
    private static void appendBindDeferred(StringBuilder out) {
        out.append("    /** Makes on {@code real} the setter call whose binding was deferred: the same setter, with the value it recorded. */\n");
        out.append("    protected static void bindDeferred(java.sql.PreparedStatement real, int index, Object value, int sqlType)\n");
        out.append("            throws java.sql.SQLException {\n        switch (sqlType) {\n");
        for (Map.Entry<String, String> e : DEFERRABLE.entrySet()) {
            out.append("            case java.sql.Types.").append(SETTER_TYPES.get(e.getKey())).append(" -> real.")
                    .append(e.getKey()).append("(index, (").append(e.getValue()).append(") value);\n");
        }
        out.append("            default -> throw new IllegalStateException(\"no deferred setter for JDBC type \" + sqlType);\n");
        out.append("        }\n    }\n\n");
    }

    /** The hook call for a PreparedStatement setter, or null when the method binds no parameter. */
    private static String parameterRecord(Method m) {
        Class<?>[] p = m.getParameterTypes();
        String name = m.getName();
        if (!name.startsWith("set") || p.length < 2 || p[0] != int.class || m.getReturnType() != void.class) {
            return null;
        }
        if (name.equals("setNull")) {
            return "parameterBound(a0, null, a1)";
        }
        if (name.equals("setObject")) {
            if (p.length == 2) {
                return "parameterBound(a0, a1, java.sql.Types.JAVA_OBJECT)";
            }
            String type = p[2] == int.class ? "a2"
                    : "(a2 == null || a2.getVendorTypeNumber() == null ? java.sql.Types.OTHER : a2.getVendorTypeNumber())";
            // the scale or length of the four-argument form changes what the database receives
            String value = p.length == 4 ? "(a1 == null ? null : new BoundCall(a1, a3))" : "a1";
            return "parameterBound(a0, " + value + ", " + type + ")";
        }
        String type = SETTER_TYPES.get(name);
        if (type == null || p.length > 3) {
            return "streamParameterBound(a0)"; // streams, readers, LOBs, arrays, refs, row ids, XML: not comparable
        }
        if (p.length == 3) {
            if (p[2] != java.util.Calendar.class) {
                return "streamParameterBound(a0)";
            }
            // the calendar's zone changes the value the database sees, so it is part of the key
            return "parameterBound(a0, (a1 == null ? null : new BoundCall(a1, a2 == null ? \"\" : a2.getTimeZone().getID())), java.sql.Types."
                    + type + ")";
        }
        if (name.equals("setURL")) {
            return "parameterBound(a0, (a1 == null ? null : a1.toExternalForm()), java.sql.Types.DATALINK)"; // URL.equals resolves hosts
        }
        return "parameterBound(a0, a1, java.sql.Types." + type + ")";
    }

    private static String typeName(Type type, boolean varArgs) {
        String name = type.getTypeName();
        if (varArgs && name.endsWith("[]")) {
            name = name.substring(0, name.length() - 2) + "...";
        }
        return name.replace('$', '.');
    }
}
