package org.pghardstorage.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class S3LocationTest {
  @Test
  void bucketPrefixAndOptions() {
    S3Location l =
        S3Location.parse(
            URI.create(
                "s3://backups.example/pg/prod/?region=eu-central-1&endpoint=https://minio:9000"
                    + "&path_style=true&profile=backup&credentials_file=/etc/pghs/aws"));
    assertThat(l.bucket()).isEqualTo("backups.example");
    assertThat(l.prefix()).isEqualTo("pg/prod/");
    assertThat(l.region()).contains("eu-central-1");
    assertThat(l.endpoint()).contains(URI.create("https://minio:9000"));
    assertThat(l.pathStyle()).isTrue();
    assertThat(l.profile()).contains("backup");
    assertThat(l.credentialsFile()).contains(java.nio.file.Path.of("/etc/pghs/aws"));
    assertThat(l.describe())
        .isEqualTo("s3://backups.example/pg/prod/ at https://minio:9000 (eu-central-1)");
  }

  @Test
  void aBareBucketHasNoPrefixAndDefaults() {
    S3Location l = S3Location.parse(URI.create("s3://bucket"));
    assertThat(l.prefix()).isEmpty();
    assertThat(l.region()).isEmpty();
    assertThat(l.endpoint()).isEmpty();
    assertThat(l.pathStyle()).isFalse();
  }
}
