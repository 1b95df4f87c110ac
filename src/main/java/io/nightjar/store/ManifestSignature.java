package io.nightjar.store;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of manifests. The key comes from the environment variable {@link #KEY_VARIABLE} only: never
 * from a file in the repository, the job spec or the command line, and it is never logged or recorded.
 */
public final class ManifestSignature {
  public static final String KEY_VARIABLE = "NIGHTJAR_SIGNING_KEY";
  public static final String SIGNATURE_FILE = "manifest.json.sig";

  private final byte[] key;

  private ManifestSignature(byte[] key) {
    this.key = key;
  }

  /** The signer for the key in the environment, if one is set. */
  public static Optional<ManifestSignature> fromEnvironment() {
    return fromKey(System.getenv(KEY_VARIABLE));
  }

  /** A signer for an explicit key (tests, embedding); empty for a null or empty key. */
  public static Optional<ManifestSignature> fromKey(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ManifestSignature(key.getBytes(StandardCharsets.UTF_8)));
  }

  public String sign(byte[] manifest) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(manifest));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("cannot compute HMAC-SHA256", e);
    }
  }

  /** Constant-time comparison, so a forger learns nothing from timing. */
  public boolean verify(byte[] manifest, String signature) {
    byte[] expected = sign(manifest).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII));
  }
}
