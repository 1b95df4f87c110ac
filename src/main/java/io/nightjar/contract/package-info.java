/**
 * The input contract a model is trained under (the columns it needs, their types and categorical levels) and the
 * row-level rules that decide which rows can be trained on or scored.
 */
package io.nightjar.contract;
