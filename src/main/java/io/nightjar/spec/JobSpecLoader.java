package io.nightjar.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nightjar.error.JobSpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Reads a job spec from YAML text, applies {@code --set} overrides, and validates it into a {@link JobSpec}. */
public final class JobSpecLoader {
  /** Keys whose children are free-form names (estimator params, reader options): a dotted override stops there. */
  private static final List<String> FREE_FORM_MAPS = List.of("params", "input.options", "predict.input.options",
      "tuning.grid", "recommend.users.options");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private JobSpecLoader() {}

  /**
   * Parses and validates a job spec.
   *
   * @param source a name for the spec in error messages, usually its path
   * @param yaml the spec's text
   * @param overrides {@code KEY=VALUE} strings, KEY a dotted path into the spec; applied in order
   */
  public static JobSpec load(String source, String yaml, List<String> overrides) {
    ObjectNode tree = parse(source, yaml);
    for (String override : overrides) {
      applyOverride(tree, override);
    }
    String described = overrides.isEmpty() ? source : source + " (with --set overrides)";
    return bind(SpecNode.root(described, tree, JobSpec.KEYS));
  }

  static ObjectNode parse(String source, String yaml) {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new JobSpecException(source + ": not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!tree.isObject()) {
      throw new JobSpecException(source + ": the document must be a YAML mapping of keys to values");
    }
    return (ObjectNode) tree;
  }

  /** Applies one {@code KEY=VALUE} override; the value is read as a YAML scalar or flow list. */
  static void applyOverride(ObjectNode tree, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new JobSpecException(
          "--set '" + override + "' is not of the form KEY=VALUE; for example --set params.rank=20");
    }
    String key = override.substring(0, eq).trim();
    String[] parts = splitKey(key);
    ObjectNode parent = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = parent.get(parts[i]);
      if (child == null || child.isNull()) {
        parent = parent.putObject(parts[i]);
      } else if (child.isObject()) {
        parent = (ObjectNode) child;
      } else {
        String prefix = String.join(".", Arrays.copyOfRange(parts, 0, i + 1));
        throw new JobSpecException(String.format(
            "--set %s: '%s' holds the value %s, not a mapping, so it has no key '%s'", key, prefix, child, parts[i + 1]));
      }
    }
    parent.set(parts[parts.length - 1], parseValue(override.substring(eq + 1)));
  }

  private static String[] splitKey(String key) {
    if (key.isEmpty() || key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
      throw new JobSpecException("--set key '" + key + "' is not a dotted path such as input.path or params.rank");
    }
    for (String map : FREE_FORM_MAPS) {
      if (key.startsWith(map + ".")) {
        String[] head = map.split("\\.");
        String[] result = Arrays.copyOf(head, head.length + 1);
        result[head.length] = key.substring(map.length() + 1);
        return result;
      }
    }
    return key.split("\\.");
  }

  private static JsonNode parseValue(String text) {
    if (text.isBlank()) {
      return TextNode.valueOf(text);
    }
    try {
      JsonNode value = YAML.readTree(text);
      return value == null || value.isMissingNode() ? TextNode.valueOf(text) : value;
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(text);
    }
  }

  private static JobSpec bind(SpecNode root) {
    String name = root.requiredString("name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw root.invalid("name", "'" + name + "'", "letters, digits, '.', '_' or '-' (it names the model store)");
    }
    String kindName = root.requiredString("kind");
    ModelKind kind;
    try {
      kind = ModelKind.fromSpecName(kindName);
    } catch (IllegalArgumentException e) {
      throw root.invalid("kind", "'" + kindName + "'", "one of als, elasticnet");
    }
    InputSpec input = InputSpec.read(root.requiredChild("input", InputSpec.KEYS));
    ColumnsSpec columns = switch (kind) {
      case ALS -> AlsColumns.read(root.requiredChild("columns", AlsColumns.KEYS));
      case ELASTICNET -> TabularColumns.read(root.requiredChild("columns", TabularColumns.KEYS));
    };
    if (kind != ModelKind.ALS && root.has("biases")) {
      throw new JobSpecException(root.source() + ": key 'biases' applies to kind als only; remove it from this "
          + kind.specName() + " job");
    }
    return new JobSpec(
        name,
        kind,
        input,
        columns,
        root.optionalJsonMap("params"),
        root.optionalLong("seed", JobSpec.DEFAULT_SEED),
        EvaluationSpec.read(root.optionalChild("evaluation", EvaluationSpec.KEYS)),
        BiasSpec.read(root.optionalChild("biases", BiasSpec.KEYS)),
        ModelSpec.read(root.requiredChild("model", ModelSpec.KEYS)),
        maxRejectedFraction(root),
        PredictSpec.read(root.optionalChild("predict", PredictSpec.KEYS)),
        Family.read(root, kind),
        TuningSpec.read(root.optionalChild("tuning", TuningSpec.KEYS),
            root.optionalLong("seed", JobSpec.DEFAULT_SEED)),
        GateSpec.read(root.optionalChild("gate", GateSpec.KEYS)),
        RecommendSpec.read(root.optionalChild("recommend", RecommendSpec.KEYS)));
  }

  private static double maxRejectedFraction(SpecNode root) {
    double fraction = root.optionalDouble("maxRejectedFraction", JobSpec.DEFAULT_MAX_REJECTED_FRACTION);
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw root.invalid("maxRejectedFraction", String.valueOf(fraction), "a fraction from 0 to 1, such as 0.01");
    }
    return fraction;
  }

}
