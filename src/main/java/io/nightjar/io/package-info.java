/**
 * Reading inputs and batches, and writing partitioned outputs, all through Spark data sources and the Hadoop
 * FileSystem API so local, HDFS and object-store paths behave alike.
 */
package io.nightjar.io;
