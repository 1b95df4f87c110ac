package io.nightjar.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.nightjar.error.JobSpecException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML mapping being read into a record: remembers its dotted path and source so every error names the key, the
 * value found and what is expected.
 */
final class SpecNode {
  private final String source;
  private final String path;
  private final JsonNode node;

  private SpecNode(String source, String path, JsonNode node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  /** The document root, which must be a mapping holding only {@code allowedKeys}. */
  static SpecNode root(String source, JsonNode node, Set<String> allowedKeys) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new JobSpecException(source + ": the file is empty; it must be a YAML mapping of keys to values");
    }
    SpecNode root = new SpecNode(source, "", node);
    root.requireMapping();
    root.rejectUnknownKeys(allowedKeys);
    return root;
  }

  String source() {
    return source;
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  /** A nested mapping holding only {@code allowedKeys}, or null when absent. */
  SpecNode optionalChild(String key, Set<String> allowedKeys) {
    if (!has(key)) {
      return null;
    }
    SpecNode child = new SpecNode(source, keyPath(key), node.get(key));
    child.requireMapping();
    child.rejectUnknownKeys(allowedKeys);
    return child;
  }

  SpecNode requiredChild(String key, Set<String> allowedKeys) {
    SpecNode child = optionalChild(key, allowedKeys);
    if (child == null) {
      throw missing(key, "a mapping with keys " + String.join(", ", new TreeSet<>(allowedKeys)));
    }
    return child;
  }

  String requiredString(String key) {
    String value = optionalString(key, null);
    if (value == null || value.isBlank()) {
      throw missing(key, "a non-empty string");
    }
    return value;
  }

  String optionalString(String key, String defaultValue) {
    if (!has(key)) {
      return defaultValue;
    }
    JsonNode value = node.get(key);
    if (!value.isValueNode()) {
      throw invalid(key, describe(value), "a single value, not a " + value.getNodeType().name().toLowerCase());
    }
    return value.asText();
  }

  String optionalChoice(String key, String defaultValue, List<String> choices) {
    String value = optionalString(key, defaultValue);
    if (value != null && !choices.contains(value)) {
      throw invalid(key, "'" + value + "'", "one of " + String.join(", ", choices));
    }
    return value;
  }

  long optionalLong(String key, long defaultValue) {
    if (!has(key)) {
      return defaultValue;
    }
    JsonNode value = node.get(key);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalid(key, describe(value), "a whole number");
    }
    return value.asLong();
  }

  double optionalDouble(String key, double defaultValue) {
    if (!has(key)) {
      return defaultValue;
    }
    JsonNode value = node.get(key);
    if (!value.isNumber()) {
      throw invalid(key, describe(value), "a number");
    }
    return value.asDouble();
  }

  boolean optionalBoolean(String key, boolean defaultValue) {
    if (!has(key)) {
      return defaultValue;
    }
    JsonNode value = node.get(key);
    if (!value.isBoolean()) {
      throw invalid(key, describe(value), "true or false");
    }
    return value.asBoolean();
  }

  /** A list of non-empty strings; a single string is taken as a one-element list. */
  List<String> optionalStringList(String key) {
    if (!has(key)) {
      return List.of();
    }
    JsonNode value = node.get(key);
    List<String> result = new ArrayList<>();
    if (value.isTextual()) {
      result.add(value.asText());
    } else if (value.isArray()) {
      for (JsonNode element : value) {
        if (!element.isValueNode() || element.isNull() || element.asText().isBlank()) {
          throw invalid(key, describe(value), "a list of column names");
        }
        result.add(element.asText());
      }
    } else {
      throw invalid(key, describe(value), "a list of column names");
    }
    return List.copyOf(result);
  }

  /** A mapping of free-form keys to scalar values, read as strings (reader options, Spark settings). */
  Map<String, String> optionalStringMap(String key) {
    if (!has(key)) {
      return Map.of();
    }
    JsonNode value = node.get(key);
    if (!value.isObject()) {
      throw invalid(key, describe(value), "a mapping of names to values");
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
        throw invalid(key + "." + entry.getKey(), describe(entry.getValue()), "a single value");
      }
      result.put(entry.getKey(), entry.getValue().asText());
    }
    return Map.copyOf(result);
  }

  /** A mapping of free-form keys to any scalar or list values, kept as JSON (estimator params). */
  Map<String, JsonNode> optionalJsonMap(String key) {
    if (!has(key)) {
      return Map.of();
    }
    JsonNode value = node.get(key);
    if (!value.isObject()) {
      throw invalid(key, describe(value), "a mapping of names to values");
    }
    Map<String, JsonNode> result = new LinkedHashMap<>();
    value.fields().forEachRemaining(entry -> result.put(entry.getKey(), entry.getValue()));
    return java.util.Collections.unmodifiableMap(result);
  }

  JobSpecException invalid(String key, String found, String expected) {
    return new JobSpecException(
        String.format("%s: key '%s' is %s; it must be %s", source, keyPath(key), found, expected));
  }

  JobSpecException missing(String key, String expected) {
    return new JobSpecException(
        String.format("%s: required key '%s' is missing; set it to %s", source, keyPath(key), expected));
  }

  private void requireMapping() {
    if (node.getNodeType() != JsonNodeType.OBJECT) {
      String where = path.isEmpty() ? "the document" : "key '" + path + "'";
      throw new JobSpecException(
          String.format("%s: %s is %s; it must be a mapping of keys to values", source, where, describe(node)));
    }
  }

  private void rejectUnknownKeys(Set<String> allowedKeys) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowedKeys.contains(key)) {
        String where = path.isEmpty() ? "at the top level" : "under '" + path + "'";
        throw new JobSpecException(
            String.format(
                "%s: unknown key '%s' %s; known keys there are: %s",
                source, keyPath(key), where, String.join(", ", new TreeSet<>(allowedKeys))));
      }
    }
  }

  private static String describe(JsonNode value) {
    if (value == null || value.isNull()) {
      return "empty";
    }
    if (value.isTextual()) {
      return "'" + value.asText() + "'";
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
