package dev.orgplane.org.event;

import dev.orgplane.kit.outbox.AttemptLease;
import dev.orgplane.kit.outbox.OutboxPoller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends queued hook deliveries. Each tick claims due deliveries with {@code FOR UPDATE SKIP LOCKED}
 * and pushes their next attempt a lease ahead, so several instances share the work and none sends a
 * delivery another is sending. A POST is signed Stripe-style ({@code Orgplane-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with the hook's secret>,v2=<the same of "t.delivery.body">}): v2
 * covers the delivery id too, so a receiver ignoring deliveries it has seen cannot be made to take a captured one
 * again under another id (v1 stays for receivers written against it); a 2xx answer delivers
 * it, anything else is retried with exponential backoff until the attempts run out. Every attempt is
 * recorded, a round's together, and a hook whose deliveries keep failing is deactivated ({@link DeliveryOutcomes}).
 */
public final class HookDispatcher {

  private static final int BATCH = 32;
  /** Rounds sending at once: a hook's slow receiver holds its own round, while the next ones send the others'. */
  private static final int ROUNDS = 4;
  private static final long LEASE_MILLIS = 30_000;
  /** Of an attempt, from its start (its host's lookup included) to its answer's end ({@link AttemptDeadline}). */
  private static final long DEADLINE_MILLIS = 10_000;
  /**
   * The round's wait for an attempt (half the lease): longer than the attempt's deadline, so an attempt ends by itself,
   * recorded as what it came to, before its round would record it unsent.
   */
  private static final long SEND_MILLIS = LEASE_MILLIS / 2;
  /**
   * An organization's sends under way at once on an instance: half a round, so its hooks, however many, leave the
   * rest of a round to other tenants, and its slow receivers hold part of a round, not every round.
   */
  static final int SENDS_PER_ORGANIZATION = BATCH / 2;
  /** Deliveries of hooks that may send them, now or later: V44's hook_deliveries_waiting_idx holds them. */
  private static final String WAITING = "WHERE state = 'pending' AND next_attempt_at < 'infinity' ";
  /**
   * A claimed delivery's payload: the event's, stored once for all its deliveries (V64), found by its primary key and
   * only in the delivery's own organization (the foreign key names the payload alone: no delivery sends another
   * tenant's event, whatever wrote the row); a delivery queued before V64 holds its own until the retention purges it.
   */
  private static final String PAYLOAD = "COALESCE(d.payload, (SELECT p.payload FROM org.hook_payloads p "
      + "WHERE p.id = d.payload_id AND p.org_id = d.org_id)) AS payload";
  /**
   * The claim ({@link #claim}): {@code $1} the round's size, {@code $2} the lease, {@code $3} the hooks being sent to
   * here, {@code $4} an organization's sends at once, {@code $5} and {@code $6} the organizations being sent to here
   * and their sends under way.
   */
  static final String CLAIM = "WITH RECURSIVE waiting AS ((SELECT org_id, hook_id FROM org.hook_deliveries "
      + WAITING + "ORDER BY org_id, hook_id LIMIT 1) UNION ALL SELECT n.org_id, n.hook_id FROM waiting w "
      + "CROSS JOIN LATERAL (SELECT org_id, hook_id FROM org.hook_deliveries " + WAITING
      + "AND (org_id, hook_id) > (w.org_id, w.hook_id) ORDER BY org_id, hook_id LIMIT 1) n), "
      + "ranked AS (SELECT w.org_id, r.id, r.place FROM waiting w JOIN org.hooks h ON h.org_id = w.org_id "
      + "AND h.id = w.hook_id AND h.active AND h.id <> ALL($3) CROSS JOIN LATERAL unnest(ARRAY("
      + "SELECT x.id FROM org.hook_deliveries x " + WAITING
      + "AND x.org_id = w.org_id AND x.hook_id = w.hook_id AND x.next_attempt_at <= now() "
      + "ORDER BY x.next_attempt_at LIMIT $4)) WITH ORDINALITY AS r(id, place)), "
      + "turns AS (SELECT r.org_id, r.id, row_number() OVER (PARTITION BY r.org_id ORDER BY r.place, r.id) AS turn "
      + "FROM ranked r), "
      + "due AS (SELECT d.id FROM turns t LEFT JOIN unnest($5::uuid[], $6::int[]) AS busy(org_id, sends) "
      + "ON busy.org_id = t.org_id JOIN org.hook_deliveries d ON d.id = t.id "
      + "WHERE t.turn <= $4 - coalesce(busy.sends, 0) AND d.state = 'pending' AND d.next_attempt_at <= now() "
      + "ORDER BY t.turn, t.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED) "
      + "UPDATE org.hook_deliveries d SET " + AttemptLease.claim("d", 2) + " FROM due, org.hooks h "
      + "WHERE d.id = due.id AND h.org_id = d.org_id AND h.id = d.hook_id "
      + "RETURNING d.id, d.org_id, d.hook_id, d.public_id, d.attempts, d.event, " + PAYLOAD + ", h.url, h.secret";
  /** Where the backlog gauge stops counting: above it, it reads this many ("at least"). */
  static final int BACKLOG_COUNTED_UP_TO = 100_000;
  /**
   * The backlog: pending deliveries of active hooks, counted up to {@link #BACKLOG_COUNTED_UP_TO} on an index alone
   * (an index-only scan). An inactive hook's are due at 'infinity' (V39), so no join to hooks tells them apart;
   * counting every pending delivery with that join took 2 s with a million of them.
   */
  static final String BACKLOG = "SELECT count(*) FROM (SELECT 1 FROM org.hook_deliveries " + WAITING + "LIMIT "
      + BACKLOG_COUNTED_UP_TO + ") pending";

  private final Vertx vertx;
  private final Pool pool;
  private final HttpClient client;
  private final HookResolver resolver;
  private final boolean allowPrivateUrls;
  private final OutboxPoller poller;
  private final long deadlineMillis;
  /** Hooks with sends of this instance under way, and how many: claims leave their other deliveries for later. */
  private final Map<UUID, Integer> sendingTo = new HashMap<>();
  /** Organizations with sends of this instance under way, and how many: claims take fewer of theirs, or none. */
  private final Map<UUID, Integer> sendingFor = new HashMap<>();
  /**
   * The last claim asked for: the next is asked once it has answered and its round's sends have begun, so it leaves
   * out what that one took. Asked side by side (a poll while a slow claim was still answering), both took an
   * organization's whole share.
   */
  private Future<RowSet<Row>> claiming = Future.succeededFuture();

  /**
   * {@code caFile}: a PEM file of the certificate authorities HTTPS hook targets are checked against instead of the
   * JDK's (targets behind a company's own CA); blank for the JDK's.
   */
  public HookDispatcher(Vertx vertx, Pool pool, int maxAttempts, long retryBaseMillis, int disableAfter,
      boolean allowPrivateUrls, String caFile) {
    this(vertx, pool, maxAttempts, retryBaseMillis, disableAfter, allowPrivateUrls, caFile, DEADLINE_MILLIS);
  }

  /** With an attempt's deadline of {@code deadlineMillis}: a test then need not outlast 10 s of it. */
  HookDispatcher(Vertx vertx, Pool pool, int maxAttempts, long retryBaseMillis, int disableAfter,
      boolean allowPrivateUrls, String caFile, long deadlineMillis) {
    this.vertx = vertx;
    this.deadlineMillis = deadlineMillis;
    this.allowPrivateUrls = allowPrivateUrls;
    this.pool = pool;
    var options = new HttpClientOptions().setConnectTimeout(5_000);
    if (!caFile.isBlank()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
    }
    // a connection for every send of the rounds under way, however many go to one receiver: with Vert.x's default 5, a
    // round of 32 to one receiver answering in 2 s went 5 at a time, and those still waiting for a connection at the
    // deadline (which runs from the attempt's start, not the connection) failed, to be sent again, though the receiver
    // had answered 2xx
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(BATCH * ROUNDS));
    this.resolver = new HookResolver(vertx, host -> HookUrls.checkedAddress(host, allowPrivateUrls));
    this.poller = OutboxPoller.recordingTogether(vertx, "hook_deliveries", this::claim, this::send, this::unsent,
        SEND_MILLIS, new DeliveryOutcomes(pool, maxAttempts, retryBaseMillis, disableAfter)::record,
        OutboxPoller.count(pool, BACKLOG));
  }

  public void start(long pollMillis) {
    poller.start(pollMillis, ROUNDS);
  }

  public void stop() {
    poller.stop();
    client.close();
    resolver.close();
  }

  /**
   * Due deliveries of active hooks: an inactive hook's wait, neither sent nor failed, and go out once it is active
   * again (an admin's pause, or a receiver that failed until the hook was deactivated, loses no event); until session
   * 20 they were sent as if the hook were active. A round takes every organization's oldest due delivery before any
   * organization's second, and so on, an organization's own turns going to every hook's oldest before any hook's
   * second (each hook's oldest first), and takes no more of an organization than {@link #SENDS_PER_ORGANIZATION}
   * less its sends under way here: however many hooks it has, one tenant's backlog or slow receivers take part of a
   * round, never every round, while the other tenants' deliveries go out beside them. A hook this instance is still
   * sending to has none claimed here until those sends end, so a receiver that answers slowly holds its sends, never
   * the next ones. The hooks with deliveries waiting are found by skipping through V44's index from one hook to the
   * next, and each gives at most an organization's share, so a claim costs the same (about 1.5 ms for 50 hooks
   * waiting) whether one of them has a thousand queued or a hundred thousand; ranking every due delivery took 400 ms
   * at a hundred thousand.
   */
  private Future<RowSet<Row>> claim() {
    var claim = claiming.transform(before -> pool.preparedQuery(CLAIM).execute(Tuple.of(BATCH, (double) LEASE_MILLIS,
        sendingTo.keySet().toArray(UUID[]::new), SENDS_PER_ORGANIZATION,
        sendingFor.keySet().toArray(UUID[]::new), sendingFor.values().toArray(Integer[]::new))));
    claiming = claim;
    return claim;
  }

  /**
   * An attempt, ended by its deadline at the latest, its hook counted as sent to until then (until session 33 the
   * count dropped when the round gave up on the attempt, with its POST still to go out).
   */
  private Future<DeliveryOutcomes.Outcome> send(Row row) {
    var hook = row.getUUID("hook_id");
    var organization = row.getUUID("org_id");
    sendingTo.merge(hook, 1, Integer::sum);
    sendingFor.merge(organization, 1, Integer::sum);
    var deadline = new AttemptDeadline(vertx, deadlineMillis);
    return attempt(row, deadline).andThen(done -> {
      deadline.cancel();
      sendingTo.computeIfPresent(hook, HookDispatcher::oneLess);
      sendingFor.computeIfPresent(organization, HookDispatcher::oneLess);
    });
  }

  /** A count of sends under way less the one that ended: none left, the key goes. */
  private static Integer oneLess(UUID key, Integer sends) {
    return sends == 1 ? null : sends - 1;
  }

  private Future<DeliveryOutcomes.Outcome> attempt(Row row, AttemptDeadline deadline) {
    RequestOptions target;
    try {
      target = new RequestOptions().setAbsoluteURI(row.getString("url"));
    } catch (RuntimeException e) {
      // a stored URL that java.net.URL rejects (written before today's checks, or by hand): thrown out of the round,
      // it lost the outcomes of every delivery claimed with it, other organizations' too; failed here, it is its own
      return Future.failedFuture(e);
    }
    return resolver.resolve(row.getUUID("org_id"), target.getHost(), deadline)
        .compose(address -> address == null
            ? Future.succeededFuture(new DeliveryOutcomes.Outcome(row.getLong("id"), row.getInteger("attempts"), false,
                null, allowPrivateUrls
                ? "refused: the hook's host does not resolve"
                : "refused: the hook's host does not resolve, or resolves to a private, loopback or link-local address", 0))
            : post(row, target, SocketAddress.inetSocketAddress(target.getPort(), address.getHostAddress()),
                deadline));
  }

  /**
   * A send that failed without an answer of its receiver (a URL it cannot connect to, stored before URLs were checked
   * for it, or a lookup its deadline passed in), or took too long: a failed attempt, so the delivery runs out of
   * attempts and counts for its hook. One whose lookup never left the queue for a thread (other hooks' lookups held
   * them all) was never made, and is given back rather than held against its hook ({@link DeliveryOutcomes}).
   */
  private DeliveryOutcomes.Outcome unsent(Row row, Throwable cause) {
    return new DeliveryOutcomes.Outcome(row.getLong("id"), row.getInteger("attempts"), false, null,
        "not sent: " + cause.getMessage(), 0, !(cause instanceof HookResolver.Queued));
  }

  /**
   * Redirects are not followed (the request's default). The answer's body is not kept, only its status: a receiver
   * cannot fill the heap by answering at length. Its duration is the attempt's, its lookup included.
   */
  private Future<DeliveryOutcomes.Outcome> post(Row row, RequestOptions target, SocketAddress checked,
      AttemptDeadline deadline) {
    var body = Buffer.buffer(row.getJsonObject("payload").encode());
    var delivery = row.getUUID("public_id").toString();
    var secret = row.getString("secret");
    long timestamp = System.currentTimeMillis() / 1000;
    var request = client.request(target.setServer(checked).setMethod(HttpMethod.POST)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Orgplane-Hooks/1")
        .putHeader("Orgplane-Event", row.getString("event"))
        .putHeader("Orgplane-Delivery", delivery)
        .putHeader("Orgplane-Signature", "t=" + timestamp + ",v1=" + sign(secret, timestamp, body)
            + ",v2=" + sign(secret, timestamp, delivery, body)));
    return statusWithinDeadline(request, body, deadline)
        .transform(result -> {
          var ms = (int) deadline.elapsedMillis();
          var delivered = result.succeeded() && result.result() / 100 == 2;
          Integer status = result.succeeded() ? result.result() : null;
          var error = result.succeeded() ? null : String.valueOf(result.cause().getMessage());
          return Future.succeededFuture(
              new DeliveryOutcomes.Outcome(row.getLong("id"), row.getInteger("attempts"), delivered, status, error, ms));
        });
  }

  /**
   * The answer's status once the answer has ended; failed, its request reset (the connection closed), if the attempt's
   * deadline passes first. A request whose connection comes only after the deadline is reset unsent. The client's own
   * timeouts cannot bound an attempt: the idle one restarts at every byte, so a receiver that trickles its answer
   * would hold the attempt for ever.
   */
  private static Future<Integer> statusWithinDeadline(Future<HttpClientRequest> request, Buffer body,
      AttemptDeadline deadline) {
    deadline.onPass(cause -> request.onSuccess(sent -> sent.reset(0, cause)));
    return deadline.bound(request).compose(sent -> sent.send(body))
        .compose(answer -> answer.end().map(answer.statusCode()));
  }

  /** The v1 signature: hex HMAC-SHA256 over "{timestamp}.{body}" keyed with the hook's secret. */
  public static String sign(String secret, long timestamp, Buffer body) {
    return hmac(secret, timestamp + ".", body);
  }

  /** The v2 signature: hex HMAC-SHA256 over "{timestamp}.{delivery id}.{body}" keyed with the hook's secret. */
  public static String sign(String secret, long timestamp, String delivery, Buffer body) {
    return hmac(secret, timestamp + "." + delivery + ".", body);
  }

  private static String hmac(String secret, String prefix, Buffer body) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(prefix.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
