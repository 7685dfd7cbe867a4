package org.pghardstorage.core.repo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.pghardstorage.core.storage.ObjectKey;

/**
 * What an attacker with write access to an unencrypted repository can do (the {@code none} cipher
 * only detects accidents): rewrite a backup manifest as arbitrary JSON and seal it validly, so the
 * reader's own checks are all that stands between the forgery and the restore. For attack tests.
 */
public final class Forgery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Forgery() {}

  /** Rewrites the committed manifest of {@code d}/{@code id} with {@code edit}, validly sealed. */
  public static void editManifest(
      Repository repo, Deployment d, BackupId id, Consumer<ObjectNode> edit) {
    ObjectKey key = BackupCatalog.manifestKey(d, id);
    RepoContext ctx = repo.context();
    try {
      byte[] plain = ctx.objects().decode(ObjectType.MANIFEST, key.value(), ctx.store().get(key));
      ObjectNode root = (ObjectNode) JSON.readTree(plain);
      edit.accept(root);
      byte[] forged = JSON.writeValueAsBytes(root);
      ctx.store().put(key, ctx.objects().encode(ObjectType.MANIFEST, key.value(), forged));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
