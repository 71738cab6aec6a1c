package dev.cachet.driver;

import java.sql.DriverPropertyInfo;
import java.util.List;
import java.util.Objects;

/**
 * Describes one Cachet setting: its name, default, the values it accepts and what it does. The list of all of them
 * ({@link CachetSettings#all()}) drives {@code Driver.getPropertyInfo} and the configuration documentation.
 *
 * <p>A descriptor whose name ends in {@code .<table>} ({@link #isPerTable()}) stands for a family of settings,
 * one per table, e.g. {@code cachet.ttl.orders}.
 */
public final class SettingDescriptor {

    private final String name;
    private final String defaultValue;
    private final String accepts;
    private final String description;
    private final List<String> choices;

    SettingDescriptor(String name, String defaultValue, String accepts, String description, List<String> choices) {
        this.name = Objects.requireNonNull(name);
        this.defaultValue = defaultValue;
        this.accepts = Objects.requireNonNull(accepts);
        this.description = Objects.requireNonNull(description);
        this.choices = List.copyOf(choices);
    }

    /** The setting's name as documented, e.g. {@code cachet.maxBytes}; matched case-insensitively. */
    public String name() {
        return name;
    }

    /** The default as it would be written in a setting, e.g. {@code 64MB}; empty when the default is "none". */
    public String defaultValue() {
        return defaultValue;
    }

    /** What values the setting accepts, in words. */
    public String accepts() {
        return accepts;
    }

    /** What the setting does. */
    public String description() {
        return description;
    }

    /** The complete list of accepted values for booleans and enumerations; empty otherwise. */
    public List<String> choices() {
        return choices;
    }

    /** True for the per-table family {@code cachet.ttl.<table>}. */
    public boolean isPerTable() {
        return name.endsWith(".<table>");
    }

    /** A {@link DriverPropertyInfo} for this setting showing {@code currentValue} (or the default when null). */
    public DriverPropertyInfo toPropertyInfo(String currentValue) {
        DriverPropertyInfo info = new DriverPropertyInfo(name, currentValue != null ? currentValue : defaultValue);
        info.description = description + " Accepts " + accepts + "."
                + (defaultValue.isEmpty() ? "" : " Default: " + defaultValue + ".");
        info.required = false;
        info.choices = choices.isEmpty() ? null : choices.toArray(new String[0]);
        return info;
    }

    @Override
    public String toString() {
        return name + " (default " + (defaultValue.isEmpty() ? "none" : defaultValue) + ")";
    }
}
