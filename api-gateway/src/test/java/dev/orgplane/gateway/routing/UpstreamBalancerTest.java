package dev.orgplane.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UpstreamBalancerTest {

  private static final URI RESTARTING = URI.create("unix:/run/orgplane/org-1.sock");
  private static final URI UP = URI.create("unix:/run/orgplane/org-2.sock");
  private static final Route ROUTE = new Route("/v1/", List.of(RESTARTING, UP), 30_000);

  /**
   * While a service restarts, its Unix socket's file is gone: connecting fails with FileNotFoundException, no
   * ConnectException, and the upstream is left out all the same, so no request's retry lands on it again.
   */
  @Test
  void anUpstreamThatCouldNotBeConnectedToIsLeftOutHoweverConnectingFailed() {
    var balancer = new UpstreamBalancer(60_000);

    var problem = balancer.failure(new FileNotFoundException(RESTARTING.getPath()), RESTARTING, false);

    assertEquals(502, problem.status());
    IntStream.range(0, 4).forEach(i -> assertEquals(UP, balancer.pick(ROUTE)));
    balancer.succeeded(RESTARTING);
    assertEquals(2, IntStream.range(0, 4).mapToObj(i -> balancer.pick(ROUTE)).distinct().count(), "back in rotation");
  }

  /** A connection that broke after the request went out says nothing of the upstream's health by itself. */
  @Test
  void anUpstreamWhoseConnectionBrokeIsKeptInRotation() {
    var balancer = new UpstreamBalancer(60_000);

    balancer.failure(new IOException("Connection reset by peer"), RESTARTING, true);

    assertEquals(2, IntStream.range(0, 4).mapToObj(i -> balancer.pick(ROUTE)).distinct().count());
  }
}
