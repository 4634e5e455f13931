package dev.cnn.diagnose;

/** How much a finding matters: {@code INFO} is context, {@code WARNING} likely costs accuracy, {@code CRITICAL} ruins the run. */
public enum Severity {
  INFO, WARNING, CRITICAL;

  /** The lower-case name used in diagnosis.json and the report ({@code info}, {@code warning}, {@code critical}). */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
