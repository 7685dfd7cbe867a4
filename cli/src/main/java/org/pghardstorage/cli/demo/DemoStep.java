package org.pghardstorage.cli.demo;

import java.util.Arrays;
import java.util.List;

/** The demo's steps, in order: their names in the summary and the area of their error codes. */
enum DemoStep {
  PREPARE("prepare", "prepare"),
  SOURCE("start source", "postgres"),
  LOAD("load data", "load"),
  REPO("repo init", "repo"),
  BACKUP("backup", "backup"),
  VERIFY("verify", "verify"),
  RESTORE("restore", "restore"),
  START("start restored", "postgres"),
  COMPARE("compare", "compare"),
  CLEANUP("clean up", "cleanup");

  private final String label;
  private final String area;

  DemoStep(String label, String area) {
    this.label = label;
    this.area = area;
  }

  /** The name in the summary and in progress events. */
  String label() {
    return label;
  }

  /** The middle of the step's error code: {@code demo.<area>_failed}. */
  String area() {
    return area;
  }

  static List<String> labels() {
    return Arrays.stream(values()).map(DemoStep::label).toList();
  }
}
