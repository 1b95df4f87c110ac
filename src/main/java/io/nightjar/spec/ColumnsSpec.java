package io.nightjar.spec;

/** Which input columns play which role; the shape depends on the model kind. */
public sealed interface ColumnsSpec permits AlsColumns, TabularColumns {}
