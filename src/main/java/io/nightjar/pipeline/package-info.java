/**
 * Builds the Spark ML {@link org.apache.spark.ml.Pipeline} for a job: the ALS recommender or the ElasticNet
 * regression. Everything scoring needs (id indexing, imputation, encoding, cold-start fallback) is a stage of the
 * pipeline, so the saved {@link org.apache.spark.ml.PipelineModel} alone can score a batch.
 */
package io.nightjar.pipeline;
