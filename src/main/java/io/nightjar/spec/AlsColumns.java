package io.nightjar.spec;

import java.util.Set;

/**
 * Columns of a ratings dataset. Ids may be of any type (strings included): the pipeline indexes them itself.
 *
 * @param user the user id column
 * @param item the item id column
 * @param rating the numeric rating column, needed for training only
 */
public record AlsColumns(String user, String item, String rating) implements ColumnsSpec {
  static final Set<String> KEYS = Set.of("user", "item", "rating");

  static AlsColumns read(SpecNode node) {
    return new AlsColumns(node.requiredString("user"), node.requiredString("item"), node.requiredString("rating"));
  }
}
