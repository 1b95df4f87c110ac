package io.nightjar.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void credentialsInAPathAreMasked() {
    assertEquals("s3a://***@bucket/data/x", Redaction.path("s3a://AKIAEXAMPLE:s3cr3t@bucket/data/x"));
    assertEquals("hdfs://***@namenode:8020/x", Redaction.path("hdfs://alice@namenode:8020/x"));
  }

  @Test
  void plainPathsAreUnchanged() {
    assertEquals("s3a://bucket/data/x", Redaction.path("s3a://bucket/data/x"));
    assertEquals("data/ratings/train", Redaction.path("data/ratings/train"));
    assertEquals("/tmp/a b/c", Redaction.path("/tmp/a b/c"));
  }
}
