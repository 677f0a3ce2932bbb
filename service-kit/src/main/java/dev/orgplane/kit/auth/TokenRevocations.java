package dev.orgplane.kit.auth;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens to refuse before they expire, though their signatures verify: those of a subject whose sessions ended
 * (a new password, a sign-out everywhere: tokens issued before that second; {@code iat} counts whole seconds), and
 * those issued for a revoked client credential (named in their {@link #CREDENTIAL_CLAIM} claim). Read again from
 * {@code source} on a period, so checking a token costs no query per request; org-service reads its database,
 * the other services ask org-service. What this instance ends itself counts at once, in this process too.
 *
 * <p>A list never read, or last read longer ago than {@link Schedule#maxStalenessMillis}, is not {@link #fresh}:
 * judged by it, a token withdrawn since would be taken, so its users refuse the requests it would judge instead.
 */
public final class TokenRevocations implements Predicate<Principal> {

  private static final Logger LOG = LoggerFactory.getLogger(TokenRevocations.class);
  /**
   * Where instances in one process (a service on several event loops, org-service and the engine in standalone)
   * tell each other what they ended or revoked, so none waits for its next reload to refuse it.
   */
  private static final String ADDRESS = "orgplane.token-revocations";
  /**
   * How long a mark stays in this process's {@link #markedInProcess} maps: far longer than the event bus takes to
   * bring it to every instance, which then keeps it until its own reload reads it.
   */
  private static final long MARK_SECONDS = 60;
  /** The claim naming the client credential a token was issued for. */
  public static final String CREDENTIAL_CLAIM = "cid";

  /** Subjects to the second from which their tokens are good again, and the revoked credentials' ids. */
  public record Snapshot(Map<String, Long> sessionsEnded, Set<String> revokedCredentials) {

    public static final Snapshot EMPTY = new Snapshot(Map.of(), Set.of());

    public JsonObject toJson() {
      // in a fixed order, so the same list is the same text (and ETag) at every instance
      var sessions = new JsonArray();
      sessionsEnded.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(ended -> sessions.add(
          new JsonObject().put("subject", ended.getKey()).put("issuedBefore", ended.getValue())));
      return new JsonObject().put("sessionsEnded", sessions)
          .put("revokedCredentials", new JsonArray(revokedCredentials.stream().sorted().toList()));
    }

    public static Snapshot fromJson(JsonObject json) {
      var sessions = new HashMap<String, Long>();
      json.getJsonArray("sessionsEnded").forEach(entry -> {
        var session = (JsonObject) entry;
        sessions.put(session.getString("subject"), session.getLong("issuedBefore"));
      });
      var credentials = new HashSet<String>();
      json.getJsonArray("revokedCredentials").forEach(id -> credentials.add((String) id));
      return new Snapshot(Map.copyOf(sessions), Set.copyOf(credentials));
    }
  }

  /**
   * {@code ORGPLANE_REVOCATION_RELOAD_MILLIS}, how often the list is read (at least 1), and {@code
   * ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS}, how old it may grow before it is no longer {@link #fresh}.
   */
  public record Schedule(long reloadMillis, long maxStalenessMillis) {

    /** A year, as the longest token lifetime: a longer bound would let a list outlive every token it names. */
    private static final long LONGEST_STALENESS_SECONDS = 31_536_000;

    /**
     * Reads both, in range, else throws naming the setting. The bound is at least two periods, so that one read
     * slower than its period, or one failed read, does not refuse every request.
     */
    public static Schedule from(Settings settings) {
      var reloadMillis = settings.periodMillis("ORGPLANE_REVOCATION_RELOAD_MILLIS");
      var key = "ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS";
      var seconds = settings.longValue(key, 1, LONGEST_STALENESS_SECONDS);
      var twoPeriods = (reloadMillis - 1) / 500 + 1;
      if (seconds < twoPeriods) {
        throw new ConfigException(key + " must be at least twice ORGPLANE_REVOCATION_RELOAD_MILLIS (" + twoPeriods
            + " s), got " + seconds);
      }
      return new Schedule(reloadMillis, TimeUnit.SECONDS.toMillis(seconds));
    }

    /**
     * How long a read may take before it is given up: half the bound. A read slower than that could not keep the
     * list fresh anyway, as the next would begin no sooner; given up then, it leaves the other half for a read asked
     * for after it.
     */
    public long giveUpMillis() {
      return maxStalenessMillis / 2;
    }
  }

  private final Vertx vertx;
  private final Supplier<Future<Snapshot>> source;
  private final Schedule schedule;
  private volatile Snapshot current = Snapshot.EMPTY;
  /** When the read of {@link #current} began ({@link System#nanoTime}); meaningless until {@link #everRead}. */
  private volatile long readAt;
  private volatile boolean everRead;
  /**
   * The read under way, null between reads: a period that finds one skips its own, so a source that hangs is not
   * asked again every period, and an older answer never replaces a newer one. A read unanswered for half the bound
   * is given up ({@link #read}), so one that never answers does not hold off every later read.
   */
  private final AtomicReference<Future<Void>> reading = new AtomicReference<>();
  /** Ended or revoked here and not yet seen by a reload: a reload that began before the commit must not drop them. */
  private final Map<String, Long> endedHere = new ConcurrentHashMap<>();
  private final Set<String> revokedHere = ConcurrentHashMap.newKeySet();
  /**
   * Ends (subject to second) and revocations (credential to the second marked) made in this process lately, read by
   * every instance at once: the event bus brings a mark to another instance's event loop as a task, which a busy loop
   * may run after a request it read in the meantime, so a caller answered 204 by one instance had its ended token
   * taken by the next.
   */
  private final LocalMap<String, Long> endedInProcess;
  private final LocalMap<String, Long> revokedInProcess;
  private long timer = -1;
  private MessageConsumer<JsonObject> consumer;
  private volatile boolean failing;

  public TokenRevocations(Vertx vertx, Supplier<Future<Snapshot>> source, Schedule schedule) {
    this.vertx = vertx;
    this.source = source;
    this.schedule = schedule;
    this.endedInProcess = vertx.sharedData().getLocalMap(ADDRESS + ".ended");
    this.revokedInProcess = vertx.sharedData().getLocalMap(ADDRESS + ".revoked");
  }

  /**
   * Reads every {@link Schedule#reloadMillis} from now on; answers the first read's outcome. A failed read, or one
   * unanswered for half of {@link Schedule#maxStalenessMillis}, keeps the last list (its tokens stay refused, until
   * it is no longer {@link #fresh}) and is tried again next period; logged once until a read succeeds again.
   */
  public Future<Void> start() {
    consumer = vertx.eventBus().localConsumer(ADDRESS, message -> received(message.body()));
    timer = vertx.setPeriodic(schedule.reloadMillis(), id -> reload());
    return consumer.completion().compose(registered -> reload());
  }

  public void stop() {
    vertx.cancelTimer(timer);
    if (consumer != null) {
      consumer.unregister();
    }
  }

  /** Whether the list was read, and that read began at most {@link Schedule#maxStalenessMillis} ago. */
  public boolean fresh() {
    return everRead && System.nanoTime() - readAt <= TimeUnit.MILLISECONDS.toNanos(schedule.maxStalenessMillis());
  }

  /** Fails, saying how old the list is, while it is not {@link #fresh}: for a service's readiness. */
  public Future<Void> freshOrFail() {
    if (fresh()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(everRead
        ? "the revoked tokens were last read " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - readAt) + " s ago"
        : "the revoked tokens were never read");
  }

  /** When a caller refused for a list not {@link #fresh} may try again: a period on, in whole seconds. */
  public long retryAfterSeconds() {
    return (schedule.reloadMillis() - 1) / 1000 + 1;
  }

  private Future<Void> reload() {
    var thisRead = Promise.<Void>promise();
    var under = reading.compareAndExchange(null, thisRead.future());
    if (under != null) {
      return under;
    }
    read().onComplete(done -> {
      reading.set(null);
      thisRead.handle(done);
    });
    return thisRead.future();
  }

  private Future<Void> read() {
    var markedBefore = nowSecond() - MARK_SECONDS;
    endedInProcess.entrySet().removeIf(mark -> mark.getValue() < markedBefore);
    revokedInProcess.entrySet().removeIf(mark -> mark.getValue() < markedBefore);
    var began = System.nanoTime();
    // a late answer of a read given up is dropped
    return source.get().timeout(schedule.giveUpMillis(), TimeUnit.MILLISECONDS).<Void>map(loaded -> {
      var sessions = new HashMap<>(loaded.sessionsEnded());
      endedHere.forEach((subject, second) -> {
        if (sessions.getOrDefault(subject, Long.MIN_VALUE) >= second) {
          endedHere.remove(subject, second);
        } else {
          sessions.put(subject, second);
        }
      });
      var credentials = new HashSet<>(loaded.revokedCredentials());
      revokedHere.removeAll(credentials);
      credentials.addAll(revokedHere);
      current = new Snapshot(Map.copyOf(sessions), Set.copyOf(credentials));
      readAt = began;
      everRead = true;
      if (failing) {
        failing = false;
        LOG.info("Revoked tokens read again");
      }
      return null;
    }).onFailure(e -> {
      if (!failing) {
        failing = true;
        LOG.warn("Could not read the revoked tokens; trying again every period, and refusing requests with 503 "
            + "revocations_unavailable once the last list read is {} s old: {}",
            TimeUnit.MILLISECONDS.toSeconds(schedule.maxStalenessMillis()), e.toString());
      }
    });
  }

  /** After the end of {@code subject}'s sessions has committed: refused here, and in this process, from now on. */
  public void markEnded(String subject, long second) {
    endedInProcess.merge(subject, second, Math::max);
    ended(subject, second);
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("subject", subject).put("issuedBefore", second));
  }

  /** After a credential's revocation has committed: its tokens are refused here, and in this process, from now on. */
  public void markRevoked(String credential) {
    revokedInProcess.put(credential, nowSecond());
    revoked(credential);
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("credential", credential));
  }

  /** Another instance's mark (this one's own comes back too: marking twice changes nothing). */
  private void received(JsonObject mark) {
    if (mark.containsKey("credential")) {
      revoked(mark.getString("credential"));
    } else {
      ended(mark.getString("subject"), mark.getLong("issuedBefore"));
    }
  }

  private void ended(String subject, long second) {
    endedHere.merge(subject, second, Math::max);
    var sessions = new HashMap<>(current.sessionsEnded());
    sessions.merge(subject, second, Math::max);
    current = new Snapshot(Map.copyOf(sessions), current.revokedCredentials());
  }

  private void revoked(String credential) {
    revokedHere.add(credential);
    var credentials = new HashSet<>(current.revokedCredentials());
    credentials.add(credential);
    current = new Snapshot(current.sessionsEnded(), Set.copyOf(credentials));
  }

  @Override
  public boolean test(Principal principal) {
    var snapshot = current;
    var endedBefore = Math.max(snapshot.sessionsEnded().getOrDefault(principal.subject(), 0L),
        endedInProcess.getOrDefault(principal.subject(), 0L));
    if (principal.claims().getLong("iat", 0L) < endedBefore) {
      return true;
    }
    var credential = principal.claims().getString(CREDENTIAL_CLAIM);
    return credential != null && (snapshot.revokedCredentials().contains(credential)
        || revokedInProcess.containsKey(credential));
  }

  private static long nowSecond() {
    return System.currentTimeMillis() / 1000;
  }
}
