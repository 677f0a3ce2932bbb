package dev.orgplane.copy.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Target ids of copies. {@link #copyOf} is deterministic (a name-based UUID of the target
 * organization and the template id), so copying the same object into the same target twice
 * addresses the same object, and a reference is remapped by applying the same function to it. Derive ids from
 * template ids only, never from {@link CopyContext#jobId()}: every job (a re-run is one) and every diff must address
 * the same copies.
 */
public interface IdFunction {

  /** The id the copy of template object {@code sourceId} has in the target organization. */
  String copyOf(String sourceId);

  /**
   * {@code freeForm} with every string that is a template id replaced by the id of its copy, at any depth:
   * the id of an object of the template in org-service, copied yet or not (a queue naming another queue, or
   * a hook, names its copy whatever the order of the copy), or of an object whose copy is in the target
   * (made by this job, in this or an earlier plugin, or by an earlier job). Other strings, including ids
   * that only look like template ids, are left alone. The engine answers once every plugin earlier in the
   * run order has finished, even those of other chains running side by side.
   */
  Future<JsonObject> remapEmbedded(JsonObject freeForm);

  /**
   * Completes once every plugin earlier in the run order has finished, as {@link #remapEmbedded} waits
   * before it answers: a plugin that lets org-service remap free-form data ({@link OrgApi#copyPage})
   * waits for it first, so every object its data may name has been copied by then.
   */
  default Future<Void> earlierPluginsDone() {
    return remapEmbedded(new JsonObject()).mapEmpty();
  }

  /**
   * Which of {@code copyIds} (ids given by {@link #copyOf}) name objects already copied into the
   * target, by this job or an earlier one: a plugin whose objects refer to others of their own kind
   * writes only references that can already be satisfied, and completes the rest in a later pass.
   */
  Future<Set<String>> copiedAlready(Collection<String> copyIds);

  /** The most template ids {@link #copiedElsewhere} answers, and {@link OrgApi#copyPage} takes. */
  int MAX_COPIED_ELSEWHERE = 5000;

  /** The code of the {@link CopyFailure} {@link #copiedElsewhere} fails with past {@link #MAX_COPIED_ELSEWHERE}. */
  String TOO_MANY_COPIED_ELSEWHERE = "too_many_copied_elsewhere";

  /**
   * The template ids of the objects plugins copied into the target in systems other than org-service (those
   * {@link PageResult#sourceIds} named), by this job or an earlier one of the same template (another template's
   * objects are nothing this template's data may name), once every plugin earlier in the run order has finished (as
   * {@link #earlierPluginsDone}). org-service knows nothing of them: a plugin that lets it copy free-form data
   * ({@link OrgApi#copyPage}) passes them on, so that ids naming them are remapped there as {@link #remapEmbedded}
   * remaps them. A page is one write, so they go whole: past {@value #MAX_COPIED_ELSEWHERE} this fails with a
   * {@link CopyFailure} of code {@value #TOO_MANY_COPIED_ELSEWHERE}, which fails the job, rather than leave some of
   * them naming the template's objects.
   */
  Future<Set<String>> copiedElsewhere();

  /**
   * The id scheme every engine uses: an RFC 4122 version 5 (SHA-1, name-based) UUID of
   * {@code namespace} (the target organization's id) and {@code sourceId}.
   */
  static String nameBased(String namespace, String sourceId) {
    return nameBasedIn(namespace).apply(sourceId);
  }

  /**
   * {@link #nameBased} for one namespace, many ids: the namespace is parsed and hashed once, and
   * each id costs one SHA-1 of its own bytes. Safe to share between threads.
   */
  static Function<String, String> nameBasedIn(String namespace) {
    var ns = UUID.fromString(namespace);
    MessageDigest hashedNamespace;
    try {
      hashedNamespace = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JVM", e);
    }
    hashedNamespace.update(ByteBuffer.allocate(16).putLong(ns.getMostSignificantBits())
        .putLong(ns.getLeastSignificantBits()).array());
    return sourceId -> {
      MessageDigest sha1;
      try {
        sha1 = (MessageDigest) hashedNamespace.clone();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("the JVM's SHA-1 can be cloned", e);
      }
      var hash = sha1.digest(sourceId.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      var buffer = ByteBuffer.wrap(hash, 0, 16);
      return new UUID(buffer.getLong(), buffer.getLong()).toString();
    };
  }
}
