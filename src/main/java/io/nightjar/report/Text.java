package io.nightjar.report;

import io.nightjar.report.TrainingReport.GridPoint;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Escaping and number formatting for the report, always in {@link Locale#ROOT}. */
final class Text {
  private Text() {}

  /**
   * Text made safe for XML and HTML content and attribute values: the five markup characters escaped, and characters
   * XML 1.0 forbids (control characters, lone surrogates) replaced by U+FFFD.
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(++i));
          } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || Character.isSurrogate(c)
              || c == 0xFFFE || c == 0xFFFF) {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** A metric or score: four significant decimals for ordinary sizes, scientific notation for tiny or huge ones. */
  static String score(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "\u221e" : "\u2212\u221e";
    }
    double abs = Math.abs(value);
    if (abs != 0 && (abs < 1e-3 || abs >= 1e7)) {
      return String.format(Locale.ROOT, "%.3e", value);
    }
    if (abs >= 1000) {
      return String.format(Locale.ROOT, "%,.1f", value);
    }
    return String.format(Locale.ROOT, "%.4f", value);
  }

  /** A row count with thousands separators. */
  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** A number as short as it can be written exactly: 0.1, 10, 1.0E-4 stays 0.0001. */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return score(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    String plain = new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    return plain.length() <= 12 ? plain : String.format(Locale.ROOT, "%.4g", value);
  }

  /** A param value as shown: numbers by {@link #number}, anything else by its string form. */
  static String value(Object value) {
    if (value instanceof Number n) {
      return number(n.doubleValue());
    }
    return String.valueOf(value);
  }

  /** Params as {@code a=1, b=0.1}, in the given order. */
  static String params(Map<String, Object> params, List<String> names) {
    StringBuilder out = new StringBuilder();
    for (String name : names) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(name).append('=').append(value(params.get(name)));
    }
    return out.toString();
  }

  /** The distinct values {@code param} takes over the grid: ascending numbers, or strings in first-seen order. */
  static List<Object> orderedValues(List<GridPoint> points, String param) {
    List<Object> values = new ArrayList<>();
    boolean numeric = true;
    for (GridPoint point : points) {
      Object v = point.params().get(param);
      if (values.stream().noneMatch(seen -> sameValue(seen, v))) {
        values.add(v);
        numeric &= v instanceof Number;
      }
    }
    if (numeric) {
      values.sort(Comparator.comparingDouble(v -> ((Number) v).doubleValue()));
    }
    return values;
  }

  /** Whether two param values are the same: numbers by value (so 1 and 1.0 match), anything else by string form. */
  static boolean sameValue(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
    }
    return String.valueOf(a).equals(String.valueOf(b));
  }

  static int indexOf(List<Object> values, Object value) {
    for (int i = 0; i < values.size(); i++) {
      if (sameValue(values.get(i), value)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether a grid point has every param of {@code best} at the same value. */
  static boolean sameParams(Map<String, Object> point, Map<String, Object> best) {
    if (best.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, Object> e : best.entrySet()) {
      if (!point.containsKey(e.getKey()) || !sameValue(point.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }
}
