package dev.cachet.driver.catalog;

import java.util.Set;

/** Adds a view's edges from its stored definition (H2, MySQL/MariaDB): every catalog table named in it. */
final class ViewDefinitions {

    private ViewDefinitions() {
    }

    /**
     * @param tables   canonical names of every table and view of the database
     * @param routines canonical names of user-defined functions: a view calling one may read anything
     */
    static void add(TableDependencies.Builder b, String view, String definition, Set<String> tables,
                    Set<String> routines) {
        if (definition == null || definition.isBlank()) {
            b.readsEverything(view); // hidden from this user: assume the worst
            return;
        }
        String self = view.toLowerCase(java.util.Locale.ROOT);
        for (String word : Identifiers.in(definition)) {
            if (routines.contains(word)) {
                b.readsEverything(view);
            }
            if (tables.contains(word) && !word.equals(self)) {
                b.view(view, word);
            }
        }
    }
}
