package io.nightjar.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightjar.error.JobSpecException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;

/** Applies the job spec's {@code params} to an estimator by their Spark names, checked against its real params. */
public final class EstimatorParams {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private EstimatorParams() {}

  /**
   * Returns a copy of {@code estimator} with {@code params} set.
   *
   * @param reserved params Nightjar sets itself (columns, seed), with the spec key to use instead
   */
  @SuppressWarnings("unchecked")
  public static <T extends Params> T apply(T estimator, Map<String, JsonNode> params, Map<String, String> reserved) {
    ParamMap values = new ParamMap();
    for (Map.Entry<String, JsonNode> entry : params.entrySet()) {
      String name = entry.getKey();
      if (reserved.containsKey(name)) {
        throw new JobSpecException(String.format(
            "params.%s is set by Nightjar; set %s instead", name, reserved.get(name)));
      }
      if (!estimator.hasParam(name)) {
        Set<String> known = new TreeSet<>();
        Arrays.stream(estimator.params()).map(Param::name).filter(n -> !reserved.containsKey(n)).forEach(known::add);
        throw new JobSpecException(String.format(
            "params.%s is not a param of %s; its params are: %s",
            name, name(estimator), String.join(", ", known)));
      }
      Param<Object> param = (Param<Object>) estimator.getParam(name);
      try {
        JsonNode value = entry.getValue();
        // A whole number is a fine value for a double param (alpha: 1): YAML reads it as an int.
        String json = param instanceof org.apache.spark.ml.param.DoubleParam && value.isIntegralNumber()
            ? String.valueOf(value.asDouble()) : value.toString();
        values.put(param, param.jsonDecode(json));
      } catch (Exception e) { // json4s throws its checked MappingException undeclared
        throw new JobSpecException(String.format(
            "params.%s = %s is not valid for %s (%s): %s",
            name, entry.getValue(), name(estimator), param.doc(), firstLine(e)), e);
      }
    }
    return (T) estimator.copy(values);
  }

  /**
   * The learner's name as a user knows it: Spark's class name, also for Nightjar's own subclass of it (BlendedAls is
   * Spark's ALS with blend params).
   */
  public static String name(Params estimator) {
    return estimator instanceof org.apache.spark.ml.recommendation.ALS ? "ALS" : estimator.getClass().getSimpleName();
  }

  /** Every param of {@code stage} that has a value (set or default), by name, as JSON values. */
  public static Map<String, JsonNode> describe(Params stage) {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    ParamMap all = stage.extractParamMap();
    for (Param<?> param : stage.params()) {
      if (all.contains(param)) {
        @SuppressWarnings("unchecked")
        Param<Object> p = (Param<Object>) param;
        try {
          result.put(param.name(), JSON.readTree(p.jsonEncode(all.apply(p))));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot record param " + param.name(), e);
        }
      }
    }
    return result;
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
