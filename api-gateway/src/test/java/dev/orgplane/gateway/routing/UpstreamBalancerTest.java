package dev.orgplane.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.DecoderException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UpstreamBalancerTest {

  private static final URI RESTARTING = URI.create("unix:/run/orgplane/org-1.sock");
  private static final URI UP = URI.create("unix:/run/orgplane/org-2.sock");
  private static final Route ROUTE = new Route("/v1/", List.of(RESTARTING, UP), 30_000);

  private final Set<URI> notReady = ConcurrentHashMap.newKeySet();
  private final UpstreamBalancer balancer = new UpstreamBalancer(60_000, upstream -> !notReady.contains(upstream));

  private long upstreamsPicked() {
    return IntStream.range(0, 4).mapToObj(i -> balancer.pick(ROUTE, System.currentTimeMillis())).distinct().count();
  }

  @Test
  void anUpstreamNotReadyIsLeftOutUntilItIsReadyAgain() {
    notReady.add(RESTARTING);
    assertEquals(1, upstreamsPicked(), "left out");

    notReady.remove(RESTARTING);
    assertEquals(2, upstreamsPicked(), "back in rotation");
  }

  /** It takes connections, though not ready: its own answer may serve; a quarantined one failed to take one. */
  @Test
  void withEveryUpstreamLeftOutOneNotReadyIsTriedBeforeOneQuarantined() {
    notReady.add(RESTARTING);
    balancer.failure(new FileNotFoundException(UP.getPath()), UP, false);

    IntStream.range(0, 4).forEach(i -> assertEquals(RESTARTING, balancer.pick(ROUTE, System.currentTimeMillis())));
  }

  @Test
  void withNoUpstreamReadyEachIsTriedInTurn() {
    notReady.addAll(ROUTE.upstreams());

    assertEquals(2, upstreamsPicked());
  }

  /**
   * While a service restarts, its Unix socket's file is gone: connecting fails with FileNotFoundException, no
   * ConnectException, and the upstream is left out all the same, so no request's retry lands on it again.
   */
  @Test
  void anUpstreamThatCouldNotBeConnectedToIsLeftOutHoweverConnectingFailed() {
    var problem = balancer.failure(new FileNotFoundException(RESTARTING.getPath()), RESTARTING, false);

    assertEquals(502, problem.status());
    IntStream.range(0, 4).forEach(i -> assertEquals(UP, balancer.pick(ROUTE, System.currentTimeMillis())));
  }

  @Test
  void anUpstreamThatResetAConnectionIsLeftOut() {
    assertEquals(502, balancer.failure(new IOException("Connection reset by peer"), RESTARTING, true).status());

    assertEquals(1, upstreamsPicked());
  }

  /** An answer it could not parse says nothing of the upstream's health by itself. */
  @Test
  void anUpstreamThatAnsweredGarbleIsKeptInRotation() {
    assertEquals(502, balancer.failure(new DecoderException("bad status line"), RESTARTING, true).status());

    assertEquals(2, upstreamsPicked());
  }

  /** A service being redeployed answers the requests it took before it stopped: those do not let new ones in. */
  @Test
  void onlyAnAnswerToARequestSentAfterTheFailureEndsTheQuarantine() throws InterruptedException {
    long sentBefore = System.currentTimeMillis();
    Thread.sleep(2);
    balancer.failure(new FileNotFoundException(RESTARTING.getPath()), RESTARTING, false);

    balancer.answered(RESTARTING, sentBefore, 200, false);
    assertEquals(1, upstreamsPicked(), "still left out");

    Thread.sleep(2);
    balancer.answered(RESTARTING, System.currentTimeMillis(), 200, false);
    assertEquals(2, upstreamsPicked(), "back in rotation");
  }

  /**
   * A service giving notice of its stop says {@code Connection: close}: left out at once, before it closes the
   * connections a request could otherwise be sent on as they close; its answer to a later request brings it back.
   */
  @Test
  void anUpstreamThatAnswersThatItClosesTheConnectionIsLeftOutUntilItAnswersWithout() throws InterruptedException {
    balancer.answered(RESTARTING, System.currentTimeMillis(), 200, true);
    assertEquals(1, upstreamsPicked(), "left out");

    Thread.sleep(2);
    balancer.answered(RESTARTING, System.currentTimeMillis(), 200, false);
    assertEquals(2, upstreamsPicked(), "back in rotation");
  }

  /**
   * Our services close the connection after refusing a head they cannot read, and say so: about the request, not a
   * notice of their stop, so the upstream stays in rotation.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {400, 414, 431})
  void anUpstreamThatClosesTheConnectionAfterRefusingAHeadStaysInRotation(int status) {
    balancer.answered(RESTARTING, System.currentTimeMillis(), status, true);

    assertEquals(2, upstreamsPicked());
  }

  /** While services are redeployed one after the other, the one that failed longest ago is the one back already. */
  @Test
  void withEveryUpstreamLeftOutTheOneThatFailedLongestAgoIsTried() throws InterruptedException {
    balancer.failure(new FileNotFoundException(RESTARTING.getPath()), RESTARTING, false);
    Thread.sleep(2);
    balancer.failure(new IOException("Connection reset by peer"), UP, true);

    IntStream.range(0, 4).forEach(i -> assertEquals(RESTARTING, balancer.pick(ROUTE, System.currentTimeMillis())));
  }
}
