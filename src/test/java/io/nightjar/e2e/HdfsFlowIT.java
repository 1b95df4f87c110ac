package io.nightjar.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train and predict with everything on a real HDFS: an in-process MiniDFSCluster (one NameNode, one DataNode) holds
 * the job spec, the environment config, the training data, the batches, the model store, the checkpoints and the
 * output. Nothing but the sample data's source is on local disk. The job runs through {@link Main#run}, in local
 * Spark, exactly as under the launcher.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HdfsFlowIT {
  private static final java.nio.file.Path PROJECT =
      java.nio.file.Path.of(System.getProperty("nightjar.project.dir", ".")).toAbsolutePath();

  @TempDir
  static java.nio.file.Path local;

  private static MiniDFSCluster hdfs;
  private static FileSystem fs;
  private static URI root;
  private static String job;
  private static String env;

  @BeforeAll
  static void startHdfsAndUploadTheSampleJob() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, local.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    fs = hdfs.getFileSystem();
    root = URI.create(fs.getUri() + "/nightjar");
    fs.mkdirs(new Path(root + "/data/ratings"));
    fs.copyFromLocalFile(new Path(PROJECT.resolve("data/ratings/train").toUri()), new Path(root + "/data/ratings/train"));
    fs.copyFromLocalFile(new Path(PROJECT.resolve("data/ratings/batches").toUri()),
        new Path(root + "/data/ratings/batches"));
    job = root + "/jobs/ratings-als.yaml";
    fs.copyFromLocalFile(new Path(PROJECT.resolve("jobs/ratings-als.yaml").toUri()), new Path(job));
    // The sample spec's relative paths resolve against the roots, so it runs unchanged: data, batches and output
    // under <root>/data and <root>/output, the model store under <root>/models, checkpoints under the store.
    env = root + "/conf/hdfs.yaml";
    write(new Path(env), """
        spark:
          master: local[2]
          conf:
            spark.sql.shuffle.partitions: "2"
            spark.default.parallelism: "2"
            spark.ui.enabled: "false"
            spark.driver.host: 127.0.0.1
            spark.driver.bindAddress: 127.0.0.1
        dataRoot: %1$s
        modelRoot: %1$s
        """.formatted(root));
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private static void write(Path path, String text) throws IOException {
    try (var out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private record Run(int exitCode, String out) {}

  /** Runs one command through the real entry point, capturing what it prints. */
  private static Run nightjar(String... args) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new Run(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  private static String current() throws IOException {
    return read(new Path(root + "/models/ratings-als/CURRENT")).trim();
  }

  @Test
  @Order(1)
  void trainReadsSpecAndDataFromHdfsAndPublishesTheModelThere() throws IOException {
    // checkpointInterval 2 with 4 iterations makes ALS really checkpoint, under <store>/_checkpoints on HDFS; two
    // blocks and few iterations keep it quick on two cores.
    Run train = nightjar("train", "--job", job, "--conf", env, "--set", "params.maxIter=4",
        "--set", "params.checkpointInterval=2", "--set", "params.numUserBlocks=2", "--set", "params.numItemBlocks=2");
    assertEquals(0, train.exitCode(), train.out());
    String version = current();
    assertTrue(train.out().contains("trained ratings-als (als): version " + version + ", now CURRENT"), train.out());
    assertTrue(train.out().contains("15920 read"), train.out());

    Path store = new Path(root + "/models/ratings-als");
    assertTrue(fs.getFileStatus(new Path(store, version + "/manifest.json")).isFile());
    assertTrue(fs.getFileStatus(new Path(store, version + "/pipeline/stages")).isDirectory());
    String manifest = read(new Path(store, version + "/manifest.json"));
    assertTrue(manifest.contains("\"path\" : \"" + root + "/data/ratings/train\""), manifest);
    assertArrayEquals(new FileStatus[0], fs.listStatus(new Path(store, "_staging")), "staging left empty");
    assertTrue(fs.getFileStatus(new Path(store, "_checkpoints")).isDirectory(),
        "Spark made its checkpoint directory on HDFS");
    assertArrayEquals(new FileStatus[0], fs.listStatus(new Path(store, "_checkpoints")), "checkpoints removed");
  }

  @Test
  @Order(2)
  void predictScoresEveryBatchIntoHdfsAndTheScoresAreThoseOfTheSavedModel() throws IOException {
    Run predict = nightjar("predict", "--job", job, "--conf", env, "--all-partitions");
    assertEquals(0, predict.exitCode(), predict.out());
    assertTrue(predict.out().contains("3 partition(s) (2026-11-20 .. 2026-11-22), 2982 rows in, 2982 scored, "
        + "0 rejected -> " + root + "/output/ratings-als"), predict.out());

    SparkSession spark = SparkSession.builder().master("local[2]").appName("hdfs-it-check")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    try {
      PipelineModel model = PipelineModel.load(root + "/models/ratings-als/" + current() + "/pipeline");
      Dataset<Row> batch = spark.read().parquet(root + "/data/ratings/batches");
      Dataset<Row> written = spark.read().parquet(root + "/output/ratings-als");
      assertEquals(2982, written.count());
      assertEquals(1, written.select("model_version").distinct().count());
      assertEquals(current(), written.select("model_version").first().getString(0));
      Dataset<Row> expected = model.transform(batch).select("user_id", "item_id", "ds", "prediction");
      Dataset<Row> actual = written.select("user_id", "item_id", "ds", "prediction");
      assertEquals(0, expected.exceptAll(actual).count());
      assertEquals(0, actual.exceptAll(expected).count());
    } finally {
      spark.stop();
    }
  }

  @Test
  @Order(3)
  void aRerunOfOneDateOnHdfsReplacesThatDateOnly() throws IOException {
    Path untouchedDay = new Path(root + "/output/ratings-als/ds=2026-11-20");
    Path rerunDay = new Path(root + "/output/ratings-als/ds=2026-11-22");
    List<String> untouchedBefore = listing(untouchedDay);
    List<String> rerunBefore = listing(rerunDay);
    Run rerun = nightjar("predict", "--job", job, "--conf", env, "--run-date", "2026-11-22");
    assertEquals(0, rerun.exitCode(), rerun.out());
    assertTrue(rerun.out().contains("1 partition(s) (2026-11-22), 978 rows in, 978 scored, 0 rejected"), rerun.out());
    assertEquals(untouchedBefore, listing(untouchedDay), "another date's files are untouched");
    assertNotEquals(rerunBefore, listing(rerunDay), "the rerun date's files were replaced");
  }

  @Test
  @Order(4)
  void modelsListReadsTheStoreOnHdfs() throws IOException {
    Run list = nightjar("models", "list", "--job", job, "--conf", env);
    assertEquals(0, list.exitCode(), list.out());
    String version = current();
    assertTrue(list.out().lines().anyMatch(line -> line.startsWith(version) && line.endsWith("*")), list.out());
    assertTrue(Files.notExists(PROJECT.resolve("models/ratings-als").resolve(version)),
        "nothing was written to the local working directory");
  }

  /** File names with their modification times: what a rewrite changes. */
  private static List<String> listing(Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    for (FileStatus status : fs.listStatus(dir)) {
      files.add(status.getPath().getName() + "@" + status.getModificationTime());
    }
    files.sort(null);
    return files;
  }
}
