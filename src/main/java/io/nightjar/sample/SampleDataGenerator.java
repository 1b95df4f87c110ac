package io.nightjar.sample;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the small sample data that the demo and the tests run on, from a known, hidden truth.
 *
 * <p>Every value is drawn from {@link Random} with fixed seeds, one seed per independent part of
 * the data, so a rerun writes the same values (Spark may name its part files differently). Only
 * {@code ratings/} and {@code homes/} under the output root are deleted and rewritten:
 *
 * <pre>
 * ratings/train/ratings.csv                  user_id,item_id,rating (one plain CSV file)
 * ratings/batches/ds=2026-11-2{0,1,2}/       Parquet: request_id, user_id, item_id
 * homes/train/homes.csv                      features + price (one plain CSV file)
 * homes/batches/ds=2026-11-2{0,1,2}/         Parquet: listing_id + features, no price
 * </pre>
 *
 * <p>Each batch directory holds exactly one {@code .parquet} file and nothing else (no
 * {@code _SUCCESS}, no {@code .crc}). The partition value {@code ds} exists only in the directory
 * name, never as a column inside the files.
 *
 * <h2>Ratings: an explicit-feedback matrix for ALS</h2>
 *
 * <p>400 users {@code u0001..u0400} and 250 items {@code m0001..m0250}. The true model is a biased
 * matrix factorisation of rank 3:
 *
 * <pre>
 * rating = clip(round(3.6 + b_u + b_i + p_u . q_i + e), 1, 5)
 * b_u ~ N(0, 0.35)   b_i ~ N(0, 0.45)   p_u, q_i ~ N(0, 0.5) per factor   e ~ N(0, 0.5)
 * </pre>
 *
 * <p>Ratings are whole stars written as doubles ({@code 1.0..5.0}). Each user rates 10 plus an
 * exponentially distributed number of extra items (mean 29.5, at most 200 in all), about 16,000
 * distinct (user, item) pairs in total. Which items a user rates is Zipf-like: item
 * {@code m0001} is the most popular and item k is drawn with weight {@code k^-0.9}, without
 * replacement, so the popular head is rated by most users while every tail item still has a
 * handful of ratings (at least 14 in the generated file).
 *
 * <p>The scoring batches (about 1,000 requests per date) ask for (user, item) pairs: known users
 * uniformly, known items with the same popularity skew. Independently, about 5% of rows carry a
 * user never seen in training ({@code u9001..u9040}) and about 5% an item never seen
 * ({@code m9001..m9025}), so a few rows have both; these are the cold-start cases.
 *
 * <h2>Homes: a tabular regression with a sparse truth, for ElasticNet</h2>
 *
 * <p>The label is generated from a known linear model over a few of the columns:
 *
 * <pre>
 * price = 40000 + 160 * sqft + 12000 * bathrooms - 900 * age_years
 *       + region    (north +25000, south -15000, east +5000, west +30000, central 0)
 *       + condition (poor -30000, fair -10000, good 0, excellent +20000)
 *       + N(0, 15000),   rounded to whole dollars
 * </pre>
 *
 * <p>{@code bedrooms}, {@code lot_acres}, {@code distance_km} and {@code noise_a..noise_d} have a
 * true coefficient of zero. They are deliberate distractors: {@code bedrooms} follows
 * {@code sqft} (about one bedroom per 550 sqft), {@code distance_km} is shorter in the central
 * region and {@code lot_acres} grows with distance, so all three correlate with the real signal;
 * the four noise columns are independent of everything (noise_a ~ N(0, 1), noise_b ~ U(0, 1),
 * noise_c ~ N(50, 10), noise_d ~ U(-100, 100), deliberately on different scales).
 *
 * <p>Feature ranges: sqft 700..5,000 (log-normal around 1,750, in steps of 10), bathrooms 1.0..4.5
 * in halves, age_years 0..70, bedrooms 1..6. These bounds keep every price well above zero.
 *
 * <p>Missing values: in training about 3% of {@code sqft}, {@code age_years} and {@code lot_acres}
 * each, and about 1% of {@code region}, are empty CSV fields (read by Spark as null);
 * {@code price} is never missing. The price of a row was computed from its true values before they
 * were blanked, so missing values hide information rather than change the truth. The scoring
 * batches (about 400 listings per date) have the same features without price, about 3% nulls in
 * the same three numeric columns, and about 2% of rows in region {@code island}, a category
 * training never saw.
 */
public final class SampleDataGenerator {

  /** The dates of the scoring batches; each one becomes a {@code ds=} directory. */
  private static final List<String> BATCH_DATES = List.of("2026-11-20", "2026-11-21", "2026-11-22");

  // One seed per independent stream, so that changing one part of the data leaves the others as
  // they were. Batch streams add the date's index to their base seed.
  private static final long RATINGS_TRAIN_SEED = 20_261_101L;
  private static final long RATINGS_BATCH_SEED = 20_261_201L;
  private static final long HOMES_TRAIN_SEED = 20_261_301L;
  private static final long HOMES_BATCH_SEED = 20_261_401L;

  // --- Ratings: the latent model. ---
  private static final int USERS = 400;
  private static final int ITEMS = 250;
  private static final int FACTORS = 3;
  private static final double GLOBAL_MEAN = 3.6;
  private static final double USER_BIAS_SD = 0.35;
  private static final double ITEM_BIAS_SD = 0.45;
  private static final double FACTOR_SD = 0.5;
  private static final double RATING_NOISE_SD = 0.5;
  private static final double POPULARITY_EXPONENT = 0.9;
  private static final int MIN_RATINGS_PER_USER = 10;
  private static final double MEAN_EXTRA_RATINGS = 29.5;
  private static final int MAX_RATINGS_PER_USER = 200;

  // --- Ratings: the scoring batches. ---
  private static final int REQUESTS_PER_BATCH = 1000;
  private static final int REQUESTS_JITTER = 25;
  private static final double COLD_USER_RATE = 0.05;
  private static final double COLD_ITEM_RATE = 0.05;
  private static final int COLD_ID_START = 9001;
  private static final int COLD_USERS = 40;
  private static final int COLD_ITEMS = 25;

  // --- Homes: the true price model. Arrays are index-aligned with their names. ---
  private static final double BASE_PRICE = 40_000;
  private static final double PRICE_PER_SQFT = 160;
  private static final double PRICE_PER_BATHROOM = 12_000;
  private static final double PRICE_PER_YEAR_OF_AGE = -900;
  private static final double PRICE_NOISE_SD = 15_000;
  private static final String[] REGIONS = {"north", "south", "east", "west", "central"};
  private static final double[] REGION_SHARE = {0.22, 0.22, 0.18, 0.13, 0.25};
  private static final double[] REGION_EFFECT = {25_000, -15_000, 5_000, 30_000, 0};
  private static final String[] CONDITIONS = {"poor", "fair", "good", "excellent"};
  private static final double[] CONDITION_SHARE = {0.08, 0.22, 0.48, 0.22};
  private static final double[] CONDITION_EFFECT = {-30_000, -10_000, 0, 20_000};
  private static final double[] REGION_CUMULATIVE = cumulative(REGION_SHARE);
  private static final double[] CONDITION_CUMULATIVE = cumulative(CONDITION_SHARE);

  // --- Homes: row counts and data-quality problems. ---
  private static final int TRAIN_HOMES = 4000;
  private static final int LISTINGS_PER_BATCH = 400;
  private static final int LISTINGS_JITTER = 10;
  private static final double MISSING_NUMERIC_RATE = 0.03;
  private static final double MISSING_REGION_RATE = 0.01;
  private static final double UNSEEN_REGION_RATE = 0.02;
  private static final String UNSEEN_REGION = "island";

  private static final String HOMES_FEATURE_HEADER =
      "sqft,bedrooms,bathrooms,age_years,lot_acres,distance_km,"
          + "noise_a,noise_b,noise_c,noise_d,region,condition";

  private SampleDataGenerator() {}

  /**
   * Writes the sample data under the directory given as the only argument, e.g. {@code data}.
   *
   * @param args {@code args[0]}: the output root
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("Usage: SampleDataGenerator <output-root>   (for example: data)");
      System.exit(2);
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("nightjar-sample-data")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      generate(spark, args[0]);
      System.out.println("Sample data written to " + Paths.get(args[0], "ratings") + " and "
          + Paths.get(args[0], "homes"));
    } finally {
      spark.stop();
    }
  }

  /**
   * Deletes and rewrites {@code <root>/ratings} and {@code <root>/homes}; nothing else under root
   * is touched. Spark is used only to write the Parquet batches.
   *
   * @param spark an active session, used only as a Parquet writer
   * @param root the output root directory; created if missing
   */
  public static void generate(SparkSession spark, String root) {
    Path rootDir = Paths.get(root).toAbsolutePath().normalize();
    try {
      writeRatings(spark, rootDir.resolve("ratings"));
      writeHomes(spark, rootDir.resolve("homes"));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the sample data under " + rootDir, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ratings
  // ---------------------------------------------------------------------------------------------

  /** The hidden parameters of the ratings: biases and factors per user and item. */
  private record LatentModel(
      double[] userBias, double[][] userFactors, double[] itemBias, double[][] itemFactors) {

    /** The noiseless predicted rating, before rounding and clipping. */
    double expected(int user, int item) {
      double dot = 0;
      for (int f = 0; f < FACTORS; f++) {
        dot += userFactors[user][f] * itemFactors[item][f];
      }
      return GLOBAL_MEAN + userBias[user] + itemBias[item] + dot;
    }
  }

  private static void writeRatings(SparkSession spark, Path dir) throws IOException {
    deleteRecursively(dir);
    double[] popularity = itemPopularity();
    writeRatingsTrain(dir.resolve("train").resolve("ratings.csv"), popularity);
    for (int d = 0; d < BATCH_DATES.size(); d++) {
      String date = BATCH_DATES.get(d);
      List<Row> rows = ratingRequests(new Random(RATINGS_BATCH_SEED + d), date, popularity);
      writeSingleParquet(spark, rows, ratingRequestSchema(), batchDir(dir, date));
    }
  }

  /** Zipf-like weights: item k (1-based) has weight k^-s, so m0001 is the most popular. */
  private static double[] itemPopularity() {
    double[] weights = new double[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      weights[i] = StrictMath.pow(i + 1, -POPULARITY_EXPONENT);
    }
    return weights;
  }

  private static void writeRatingsTrain(Path file, double[] popularity) throws IOException {
    Random rng = new Random(RATINGS_TRAIN_SEED);
    LatentModel model = drawLatentModel(rng);
    Files.createDirectories(file.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("user_id,item_id,rating\n");
      for (int u = 0; u < USERS; u++) {
        for (int i : chooseItems(rng, popularity, ratingsForUser(rng))) {
          double stars = observedRating(rng, model.expected(u, i));
          out.write(userId(u) + "," + itemId(i) + "," + fixed(stars, 1) + "\n");
        }
      }
    }
  }

  private static LatentModel drawLatentModel(Random rng) {
    double[] userBias = gaussians(rng, USERS, USER_BIAS_SD);
    double[] itemBias = gaussians(rng, ITEMS, ITEM_BIAS_SD);
    double[][] userFactors = new double[USERS][];
    for (int u = 0; u < USERS; u++) {
      userFactors[u] = gaussians(rng, FACTORS, FACTOR_SD);
    }
    double[][] itemFactors = new double[ITEMS][];
    for (int i = 0; i < ITEMS; i++) {
      itemFactors[i] = gaussians(rng, FACTORS, FACTOR_SD);
    }
    return new LatentModel(userBias, userFactors, itemBias, itemFactors);
  }

  /** At least the minimum, plus an exponential tail so a few users are much more active. */
  private static int ratingsForUser(Random rng) {
    int extra = (int) Math.floor(-MEAN_EXTRA_RATINGS * StrictMath.log(1.0 - rng.nextDouble()));
    return Math.min(MAX_RATINGS_PER_USER, MIN_RATINGS_PER_USER + extra);
  }

  /**
   * Draws {@code count} distinct items, each with probability proportional to its weight, by
   * weighted reservoir keys (Efraimidis-Spirakis): key = ln(U) / w, keep the largest keys. Unlike
   * redrawing until distinct, this costs the same for a user who rates 200 items as for one who
   * rates 10. Returned in item order so the CSV reads naturally.
   */
  private static int[] chooseItems(Random rng, double[] weights, int count) {
    double[] keys = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      // 1 - nextDouble() lies in (0, 1], so the logarithm is finite.
      keys[i] = StrictMath.log(1.0 - rng.nextDouble()) / weights[i];
    }
    Integer[] order = new Integer[weights.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -keys[i]));
    int[] chosen = new int[count];
    for (int k = 0; k < count; k++) {
      chosen[k] = order[k];
    }
    Arrays.sort(chosen);
    return chosen;
  }

  /** Adds observation noise, then rounds to whole stars on the 1..5 scale. */
  private static double observedRating(Random rng, double expected) {
    double noisy = expected + RATING_NOISE_SD * rng.nextGaussian();
    return Math.max(1.0, Math.min(5.0, Math.rint(noisy)));
  }

  /** One day of scoring requests: mostly known pairs, with independent cold users and items. */
  private static List<Row> ratingRequests(Random rng, String date, double[] popularity) {
    double[] cumulative = cumulative(popularity);
    int count = REQUESTS_PER_BATCH - REQUESTS_JITTER + rng.nextInt(2 * REQUESTS_JITTER + 1);
    List<Row> rows = new ArrayList<>(count);
    for (int r = 1; r <= count; r++) {
      // Both coins are always tossed so that one decision never shifts the stream for the other.
      boolean coldUser = rng.nextDouble() < COLD_USER_RATE;
      boolean coldItem = rng.nextDouble() < COLD_ITEM_RATE;
      String user = coldUser ? coldId('u', rng.nextInt(COLD_USERS)) : userId(rng.nextInt(USERS));
      String item =
          coldItem ? coldId('m', rng.nextInt(COLD_ITEMS)) : itemId(drawIndex(rng, cumulative));
      String requestId = String.format(Locale.ROOT, "r%s-%06d", compact(date), r);
      rows.add(RowFactory.create(requestId, user, item));
    }
    return rows;
  }

  private static StructType ratingRequestSchema() {
    return schema(
        field("request_id", DataTypes.StringType),
        field("user_id", DataTypes.StringType),
        field("item_id", DataTypes.StringType));
  }

  private static String userId(int index) {
    return String.format(Locale.ROOT, "u%04d", index + 1);
  }

  private static String itemId(int index) {
    return String.format(Locale.ROOT, "m%04d", index + 1);
  }

  /** Ids from 9001 up never occur in training, so they are unmistakably cold. */
  private static String coldId(char prefix, int index) {
    return String.format(Locale.ROOT, "%c%04d", prefix, COLD_ID_START + index);
  }

  // ---------------------------------------------------------------------------------------------
  // Homes
  // ---------------------------------------------------------------------------------------------

  /**
   * One home. Nullable features are boxed; {@code price} is always computed from the complete,
   * true feature values, before any of them is blanked.
   */
  private record Home(
      Double sqft,
      int bedrooms,
      double bathrooms,
      Integer ageYears,
      Double lotAcres,
      double distanceKm,
      double noiseA,
      double noiseB,
      double noiseC,
      double noiseD,
      String region,
      String condition,
      double price) {

    Home withRegion(String newRegion) {
      return new Home(sqft, bedrooms, bathrooms, ageYears, lotAcres, distanceKm,
          noiseA, noiseB, noiseC, noiseD, newRegion, condition, price);
    }

    Home withMissing(boolean noSqft, boolean noAge, boolean noLot, boolean noRegion) {
      return new Home(noSqft ? null : sqft, bedrooms, bathrooms, noAge ? null : ageYears,
          noLot ? null : lotAcres, distanceKm, noiseA, noiseB, noiseC, noiseD,
          noRegion ? null : region, condition, price);
    }

    /** The feature values in the order of the CSV header, as written to the CSV. */
    String featuresCsv() {
      return String.join(",",
          sqft == null ? "" : fixed(sqft, 1),
          Integer.toString(bedrooms),
          fixed(bathrooms, 1),
          ageYears == null ? "" : ageYears.toString(),
          lotAcres == null ? "" : fixed(lotAcres, 2),
          fixed(distanceKm, 1),
          fixed(noiseA, 4),
          fixed(noiseB, 4),
          fixed(noiseC, 4),
          fixed(noiseD, 4),
          region == null ? "" : region,
          condition);
    }
  }

  private static void writeHomes(SparkSession spark, Path dir) throws IOException {
    deleteRecursively(dir);
    writeHomesTrain(dir.resolve("train").resolve("homes.csv"));
    for (int d = 0; d < BATCH_DATES.size(); d++) {
      String date = BATCH_DATES.get(d);
      List<Row> rows = listings(new Random(HOMES_BATCH_SEED + d), date);
      writeSingleParquet(spark, rows, listingSchema(), batchDir(dir, date));
    }
  }

  private static void writeHomesTrain(Path file) throws IOException {
    Random rng = new Random(HOMES_TRAIN_SEED);
    Files.createDirectories(file.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HOMES_FEATURE_HEADER + ",price\n");
      for (int n = 0; n < TRAIN_HOMES; n++) {
        Home home = withMissingValues(rng, drawHome(rng), MISSING_REGION_RATE);
        out.write(home.featuresCsv() + "," + fixed(home.price(), 1) + "\n");
      }
    }
  }

  /** One day of listings to price: training's features, a new region and no label. */
  private static List<Row> listings(Random rng, String date) {
    int count = LISTINGS_PER_BATCH - LISTINGS_JITTER + rng.nextInt(2 * LISTINGS_JITTER + 1);
    List<Row> rows = new ArrayList<>(count);
    for (int n = 1; n <= count; n++) {
      Home home = drawHome(rng);
      if (rng.nextDouble() < UNSEEN_REGION_RATE) {
        home = home.withRegion(UNSEEN_REGION);
      }
      home = withMissingValues(rng, home, 0.0);
      String listingId = String.format(Locale.ROOT, "L%s-%04d", compact(date), n);
      rows.add(RowFactory.create(listingId, home.sqft(), home.bedrooms(), home.bathrooms(),
          home.ageYears(), home.lotAcres(), home.distanceKm(), home.noiseA(), home.noiseB(),
          home.noiseC(), home.noiseD(), home.region(), home.condition()));
    }
    return rows;
  }

  /**
   * Draws one complete home and its price from the true model. Values are rounded to the
   * precision they are written with before the price is computed, so the CSV holds exactly the
   * values the truth used.
   */
  private static Home drawHome(Random rng) {
    int region = drawIndex(rng, REGION_CUMULATIVE);
    int condition = drawIndex(rng, CONDITION_CUMULATIVE);
    double sqft = roundTo(clamp(logNormal(rng, 1750, 0.33), 700, 5000) / 10, 0) * 10;
    // Bedrooms follow size (about one per 550 sqft): correlated with sqft, but worth nothing.
    int bedrooms = (int) clamp(Math.rint(sqft / 550 + 0.6 * rng.nextGaussian()), 1, 6);
    double bathrooms =
        clamp(Math.rint(2 * (1 + 0.45 * (bedrooms - 1) + 0.4 * rng.nextGaussian())) / 2, 1, 4.5);
    int ageYears = rng.nextInt(71);
    // Central homes sit close to the centre; lots grow with distance. Both carry no price signal.
    double distanceKm =
        roundTo(clamp(logNormal(rng, REGIONS[region].equals("central") ? 3 : 12, 0.5), 0.2, 60), 1);
    double lotAcres = roundTo(clamp(logNormal(rng, 0.12 + 0.02 * distanceKm, 0.5), 0.02, 5), 2);
    double noiseA = roundTo(rng.nextGaussian(), 4);
    double noiseB = roundTo(rng.nextDouble(), 4);
    double noiseC = roundTo(50 + 10 * rng.nextGaussian(), 4);
    double noiseD = roundTo(-100 + 200 * rng.nextDouble(), 4);
    double price =
        BASE_PRICE
            + PRICE_PER_SQFT * sqft
            + PRICE_PER_BATHROOM * bathrooms
            + PRICE_PER_YEAR_OF_AGE * ageYears
            + REGION_EFFECT[region]
            + CONDITION_EFFECT[condition]
            + PRICE_NOISE_SD * rng.nextGaussian();
    return new Home(sqft, bedrooms, bathrooms, ageYears, lotAcres, distanceKm, noiseA, noiseB,
        noiseC, noiseD, REGIONS[region], CONDITIONS[condition], roundTo(price, 0));
  }

  /** Blanks sqft, age_years and lot_acres independently, and region at its own rate. */
  private static Home withMissingValues(Random rng, Home home, double regionRate) {
    // All four coins are always tossed so the stream, and every later row, never depends on rates.
    boolean noSqft = rng.nextDouble() < MISSING_NUMERIC_RATE;
    boolean noAge = rng.nextDouble() < MISSING_NUMERIC_RATE;
    boolean noLot = rng.nextDouble() < MISSING_NUMERIC_RATE;
    boolean noRegion = rng.nextDouble() < regionRate;
    return home.withMissing(noSqft, noAge, noLot, noRegion);
  }

  private static StructType listingSchema() {
    return schema(
        field("listing_id", DataTypes.StringType),
        field("sqft", DataTypes.DoubleType),
        field("bedrooms", DataTypes.IntegerType),
        field("bathrooms", DataTypes.DoubleType),
        field("age_years", DataTypes.IntegerType),
        field("lot_acres", DataTypes.DoubleType),
        field("distance_km", DataTypes.DoubleType),
        field("noise_a", DataTypes.DoubleType),
        field("noise_b", DataTypes.DoubleType),
        field("noise_c", DataTypes.DoubleType),
        field("noise_d", DataTypes.DoubleType),
        field("region", DataTypes.StringType),
        field("condition", DataTypes.StringType));
  }

  // ---------------------------------------------------------------------------------------------
  // Random draws and number formatting
  // ---------------------------------------------------------------------------------------------

  private static double[] gaussians(Random rng, int n, double sd) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = sd * rng.nextGaussian();
    }
    return values;
  }

  // StrictMath, not Math, throughout: Math.log/exp/pow may differ in the last bit between JVMs,
  // which could flip a rounding and break reproducibility.
  private static double logNormal(Random rng, double median, double sigma) {
    return median * StrictMath.exp(sigma * rng.nextGaussian());
  }

  private static double[] cumulative(double[] weights) {
    double[] sums = new double[weights.length];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      total += weights[i];
      sums[i] = total;
    }
    return sums;
  }

  /** Draws index i with probability proportional to its weight, given cumulative weights. */
  private static int drawIndex(Random rng, double[] cumulative) {
    double target = rng.nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (target < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  /** Rounds half-up to the given number of decimals; adding 0.0 turns -0.0 into 0.0. */
  private static double roundTo(double value, int decimals) {
    double scale = StrictMath.pow(10, decimals);
    return Math.floor(value * scale + 0.5) / scale + 0.0;
  }

  /**
   * Formats with a fixed number of decimals and never in exponent notation. Doubles always get at
   * least one decimal so that Spark's CSV schema inference reads them as double, not int.
   */
  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** "2026-11-20" becomes "20261120", for ids. */
  private static String compact(String date) {
    return date.replace("-", "");
  }

  // ---------------------------------------------------------------------------------------------
  // Files
  // ---------------------------------------------------------------------------------------------

  private static Path batchDir(Path datasetDir, String date) {
    return datasetDir.resolve("batches").resolve("ds=" + date);
  }

  private static StructType schema(StructField... fields) {
    return new StructType(fields);
  }

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  /**
   * Writes the rows as exactly one Parquet file in {@code dir}, then removes Spark's
   * {@code _SUCCESS} marker and Hadoop's {@code .crc} checksums so only the data file stays.
   */
  private static void writeSingleParquet(
      SparkSession spark, List<Row> rows, StructType schema, Path dir) throws IOException {
    // An explicit file: URI, so a configured default file system (e.g. HDFS) is never used.
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(dir.toUri().toString());
    List<Path> parquetFiles = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".parquet")) {
          parquetFiles.add(file);
        } else if (name.endsWith(".crc") || name.equals("_SUCCESS")) {
          Files.delete(file);
        }
      }
    }
    if (parquetFiles.size() != 1) {
      throw new IllegalStateException(
          "Expected one Parquet file in " + dir + " but found " + parquetFiles.size());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      // Deepest paths first, so each directory is empty by the time it is deleted.
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
