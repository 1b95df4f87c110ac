package io.nightjar.run;

import java.net.URI;
import java.net.URISyntaxException;

/** Keeps credentials out of logs, manifests and reports. */
public final class Redaction {
  private Redaction() {}

  /** A path with any user information ({@code s3a://KEY:SECRET@bucket/...}) replaced by {@code ***}. */
  public static String path(String path) {
    if (path == null) {
      return null;
    }
    try {
      URI uri = new URI(path);
      if (uri.getRawUserInfo() == null) {
        return path;
      }
      return path.replace(uri.getRawUserInfo() + "@", "***@");
    } catch (URISyntaxException e) {
      int at = path.indexOf('@');
      int scheme = path.indexOf("://");
      return scheme >= 0 && at > scheme ? path.substring(0, scheme + 3) + "***" + path.substring(at) : path;
    }
  }

  /** Free text (an error message) with the user information of any URL in it masked. */
  public static String text(String text) {
    return text == null ? null : text.replaceAll("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@", "$1***@");
  }
}
