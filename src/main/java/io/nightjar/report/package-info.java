/**
 * The training report of a model version: {@code metrics.json} and a self-contained {@code report.html} with inline
 * SVG charts (JFreeChart drawn through JFreeSVG). Plain Java data in, strings or files out: no Spark here.
 */
package io.nightjar.report;
