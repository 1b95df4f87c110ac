/**
 * Recommend mode: the top-K items per user from a saved ALS pipeline, written as Parquet partitioned by run date.
 * {@link io.nightjar.recommend.Recommender} runs it end to end; {@link io.nightjar.recommend.TopKRecommender} builds
 * the recommendations; {@link io.nightjar.recommend.BlockScorer} is the scoring kernel.
 */
package io.nightjar.recommend;
