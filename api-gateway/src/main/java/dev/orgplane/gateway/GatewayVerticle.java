package dev.orgplane.gateway;

import dev.orgplane.kit.config.ServiceVerticle;
import dev.orgplane.gateway.auth.DoorAuth;
import dev.orgplane.gateway.auth.ExternalTokens;
import dev.orgplane.gateway.auth.ProviderTokenExchange;
import dev.orgplane.gateway.limits.PasswordLimits;
import dev.orgplane.gateway.limits.RateLimit;
import dev.orgplane.gateway.limits.TokenBuckets;
import dev.orgplane.gateway.routing.FastReads;
import dev.orgplane.gateway.routing.ProxyHandler;
import dev.orgplane.gateway.routing.RouteTable;
import dev.orgplane.gateway.routing.UnreadBodies;
import dev.orgplane.kit.auth.JwksSchedule;
import dev.orgplane.kit.auth.KeySource;
import dev.orgplane.kit.auth.RemoteJwks;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.health.HealthRoutes;
import dev.orgplane.kit.http.DocumentedMethods;
import dev.orgplane.kit.http.Draining;
import dev.orgplane.kit.http.HeadLimits;
import dev.orgplane.kit.http.HeadRequests;
import dev.orgplane.kit.http.ListenAddress;
import dev.orgplane.kit.http.ProblemFailureHandler;
import dev.orgplane.kit.http.ServiceHttp;
import dev.orgplane.kit.http.ServiceListeners;
import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.http.AccessLog;
import dev.orgplane.kit.metrics.HttpMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The public door. It does not buffer whole bodies (no BodyHandler): it reads the first 64 KiB of a request's body
 * before it sends the request on, and streams the rest to the services, which enforce the body limit themselves; the
 * gateway refuses a declared Content-Length over the limit early.
 */
public final class GatewayVerticle extends ServiceVerticle {

  /** How many instances to deploy, each on an event loop of its own. */
  public static final String EVENT_LOOPS = "ORGPLANE_GATEWAY_EVENT_LOOPS";
  private static final String SERVICE = "api-gateway";
  private static final String PER_ADDRESS = "per-address";
  private static final String PER_PRINCIPAL = "per-principal";
  private static final String PER_ADDRESS_PASSWORDS = "per-address-passwords";
  private static final String PER_SITE_PASSWORDS = "per-site-passwords";
  private static final String PER_SLASH48_PASSWORDS = "per-slash48-passwords";
  /** The token endpoint, whose refresh and client credentials grants hash no password: they pass uncounted. */
  private static final PasswordRoute TOKEN = new PasswordRoute(HttpMethod.POST, "/v1/auth/token");
  /**
   * The requests that make org-service hash a password (bcrypt, a fraction of a second of a core each) before it knows
   * who is asking: a sign-in (the token endpoint: a password grant at a made-up address is a free attempt and a full
   * hash), a registration, a reset's new password; and those that ask a signed-in person's password again (a new
   * password, a new address, the account's deletion), which a right password may repeat without end, a right password
   * clearing the failures. The
   * general per-address limit lets thousands a second through, and one client kept the hashing queue full, every
   * other tenant's sign-in refused {@code busy}.
   */
  static final List<PasswordRoute> PASSWORD_ROUTES = List.of(
      TOKEN, new PasswordRoute(HttpMethod.POST, "/v1/auth/register"),
      new PasswordRoute(HttpMethod.POST, "/v1/auth/password-resets/confirm"),
      new PasswordRoute(HttpMethod.PUT, "/v1/users/me/password"),
      new PasswordRoute(HttpMethod.PUT, "/v1/users/me/email"),
      new PasswordRoute(HttpMethod.DELETE, "/v1/users/me"));

  record PasswordRoute(HttpMethod method, String path) {
  }

  private Settings settings;
  private GatewaySettings own;
  private HttpServer server;
  private HttpServer metricsServer;
  private Draining draining;
  private Router router;
  private ProxyHandler proxy;
  private TokenVerifier verifier;
  private long forgetTimer = -1;

  public GatewayVerticle(JsonObject commandLine) {
    super(commandLine);
  }

  /** With the configuration its launcher loaded already. */
  public GatewayVerticle(Settings loaded) {
    super(loaded);
  }

  @Override
  public Future<?> start() {
    return configuration().compose(loaded -> {
      settings = loaded;
      own = GatewaySettings.from(settings);
      var cors = Cors.of(settings.string(Cors.SETTING, ""));
      ListenAddress.requireApart(listeners(settings));
      draining = new Draining(vertx, settings);
      var connections = own.upstreamConnections();
      // one client for all this instance sends with Vert.x (bodies, key fetches, token exchanges): one pool per address.
      // A connection an upstream resets fails the request on it, which is answered or sent again, and counted in
      // /metrics; Vert.x would log each reset at ERROR besides, as every redeploy of a service does to some.
      var client = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
          .setMaxInitialLineLength(8192).setConnectTimeout(ProxyHandler.CONNECT_TIMEOUT_MILLIS))
          .with(new PoolOptions().setHttp1MaxSize(connections))
          .withConnectHandler(connection -> connection.exceptionHandler(reset -> { })).build();
      var web = WebClient.wrap(client);
      var keySchedule = own.keySchedule();
      var orgKeys = new RemoteJwks(vertx, web, settings.string("ORGPLANE_ORG_SERVICE_URL") + "/.well-known/jwks.json",
          keySchedule);
      verifier = new TokenVerifier(vertx, trustedIssuers(web, keySchedule, orgKeys));
      verifier.start();
      router = Router.router(vertx);
      router.route().handler(UnreadBodies::pauseAtTheDoor);
      ServiceHttp.observe(router, SERVICE);
      router.route().handler(FastReads::answerHandedFailures);
      router.route().handler(new Http1Fields());
      router.route().handler(new Http2Fields());
      router.route().handler(new ResolvedPaths());
      router.route().handler(new UnservedMethods());
      HealthRoutes.mount(router, draining.readiness(orgKeys::someKnown));
      cors.ifPresent(allowed -> allowed.mount(router));
      ProblemFailureHandler.install(router);
      var perAddress = TokenBuckets.shared(vertx, PER_ADDRESS, own.ratePerSecond(), own.burst());
      var perPrincipal = TokenBuckets.shared(vertx, PER_PRINCIPAL, own.ratePerSecond(), own.burst());
      var clients = ClientAddress.from(settings);
      var passwordLimits = passwordLimits(clients);
      forgetTimer = vertx.setPeriodic(60_000, id -> {
        perAddress.forgetIdle();
        perPrincipal.forgetIdle();
        passwordLimits.forgetIdle();
      });
      clients.trustedProxyMarker().ifPresent(marker -> router.route().handler(marker));
      router.route().handler(RateLimit.perClientAddress(perAddress, clients));
      PASSWORD_ROUTES.forEach(route -> router.route(route.method(), route.path())
          .handler(route == TOKEN ? passwordLimits.byGrant() : passwordLimits.everyRequest()));
      // after CORS, which answers a preflight's OPTIONS, and behind the per-address limit, unlike health's GETs
      router.route().handler(new DocumentedMethods());
      // open to anyone, so behind the per-address limit; health stays in front of it, as a balancer that shares a
      // bucket with its clients must not take an instance out of rotation for their load
      var separateMetrics = settings.has("ORGPLANE_METRICS_PORT");
      if (!separateMetrics) {
        Metrics.mount(router);
      }
      router.get(OpenApiDocument.PATH).handler(new OpenApiDocument());
      router.route().handler(new DoorAuth(verifier, settings.string("ORGPLANE_PUBLIC_URL"), !separateMetrics));
      router.route().handler(RateLimit.perPrincipal(perPrincipal));
      router.route().handler(new ProviderTokenExchange(new ExternalTokens(web,
          settings.string("ORGPLANE_ORG_SERVICE_URL"), settings.string("ORGPLANE_PUBLIC_URL"))));
      var routes = RouteTable.from(settings);
      if (routes.reachesUnixSockets() && !ServiceListeners.unixSockets(vertx)) {
        throw new ConfigException("a route sends to a Unix socket (ORGPLANE_ROUTES, ORGPLANE_ORG_SERVICE_SOCKET or "
            + "ORGPLANE_ENGINE_SOCKET), but this process's transport has none (ORGPLANE_TRANSPORT=io_uring): "
            + "reach the services by http://host:port");
      }
      proxy = new ProxyHandler(vertx, client, connections, routes, own.quarantineMillis(), own.readyProbeMillis(),
          ServiceHttp.bodyLimitBytes(settings), own.bodyTimeoutMillis());
      router.route().handler(proxy);
      var metricsServer = separateMetrics ? listenForMetrics() : Future.succeededFuture();
      Handler<HttpConnection> opened = own.fastReads() ? fastReads(new ReadDoor(verifier,
          settings.string("ORGPLANE_PUBLIC_URL"), perAddress, perPrincipal, routes, draining, clients),
          cors.isPresent()) : connection -> { };
      return metricsServer.compose(m -> listen(router, clients, opened)).onSuccess(s -> server = s);
    })
        // Vert.x cancels a failed deployment's timers and closes its clients, not what it keeps in the process's shared
        // data (rate limits, readiness probes) nor the probes' gauges, which the registry outlives it with
        .onFailure(failed -> {
          releaseRateLimits();
          if (proxy != null) {
            proxy.close();
          }
        });
  }

  /**
   * HTTPS when a certificate and its key are configured (both or neither), else plain HTTP: without HTTP/2 behind
   * trusted proxies. A proxy that passes an {@code Upgrade: h2c} on and relays what follows the 101 unread (as it
   * relays a WebSocket) gives its client a tunnel: HTTP/2 requests with X-Forwarded-For headers the client wrote, which
   * the gateway believed of the trusted peer, so the client picked its rate-limit bucket and the address the services
   * hear. Vert.x 5.0 cannot refuse the upgrade alone, so HTTP/2 with prior knowledge goes with it. A connection idle
   * for {@code ORGPLANE_GATEWAY_IDLE_TIMEOUT_SECONDS} is closed.
   */
  private Future<HttpServer> listen(Router router, ClientAddress clients, Handler<HttpConnection> opened) {
    var host = settings.string("ORGPLANE_HTTP_HOST");
    var port = settings.listenPort("ORGPLANE_HTTP_PORT");
    var idle = own.idleTimeoutSeconds();
    var handler = draining.around(HeadRequests.alongsideGets(router));
    if (own.tls()) {
      return ServiceHttp.listenTls(vertx, handler, host, port, own.tlsCertFile(), own.tlsKeyFile(), idle,
          HeadLimits.DOOR, opened);
    }
    return clients.trustsProxies()
        ? ServiceHttp.listenHttp1(vertx, handler, host, port, idle, HeadLimits.DOOR, opened)
        : ServiceHttp.listen(vertx, handler, host, port, idle, HeadLimits.DOOR, opened);
  }

  /**
   * Serves the hot reads of each HTTP/1 connection below the router ({@link FastReads}), counted and logged as the
   * router's requests are; their answers' Vary names the Origin when the gateway serves CORS ({@code variesOnOrigin}).
   */
  private Handler<HttpConnection> fastReads(ReadDoor door, boolean variesOnOrigin) {
    var parts = new FastReads.Parts(door, variesOnOrigin, proxy, new HttpMetrics(SERVICE), new AccessLog(SERVICE));
    return connection -> FastReads.serve(connection, parts);
  }

  /** {@code /metrics} on a port of its own (internal host), so scrapers never need the public door. */
  private Future<?> listenForMetrics() {
    var router = Router.router(vertx);
    Metrics.mount(router);
    ProblemFailureHandler.install(router);
    return ServiceHttp.listen(vertx, HeadRequests.alongsideGets(router), settings.string("ORGPLANE_INTERNAL_HOST"),
            settings.listenPort("ORGPLANE_METRICS_PORT"))
        .onSuccess(s -> metricsServer = s);
  }

  public int metricsPort() {
    return metricsServer.actualPort();
  }

  /**
   * Our org-service, plus any external issuers from {@code ORGPLANE_TRUSTED_ISSUERS}, their keys fetched with
   * {@code web} on {@code schedule}.
   */
  private List<TrustedIssuer> trustedIssuers(WebClient web, JwksSchedule schedule, KeySource orgKeys) {
    var issuers = new ArrayList<TrustedIssuer>();
    var own = settings.string("ORGPLANE_PUBLIC_URL");
    issuers.add(TrustedIssuer.platform(settings, orgKeys));
    issuers.addAll(TrustedIssuer.external(vertx, web, settings.string("ORGPLANE_TRUSTED_ISSUERS", ""), own,
        schedule));
    return issuers;
  }

  public int port() {
    return server.actualPort();
  }

  /** What the gateway answers itself, before (and besides) what it routes on. */
  Router router() {
    return router;
  }

  /**
   * The instances to deploy ({@value #EVENT_LOOPS}). They share their rate limits; each keeps its own verified
   * tokens and signing keys (a token is checked once per event loop that sees it).
   */
  public static int eventLoops(Settings settings) {
    return settings.eventLoops(EVENT_LOOPS);
  }

  /**
   * Reads what of its configuration needs no Vert.x, each value in its range, else throws naming the setting: a
   * launcher checks it before it makes a database (standalone's embedded server), so a mistake costs no initdb.
   */
  public static void checkSettings(Settings settings) {
    eventLoops(settings);
    GatewaySettings.from(settings);
    RouteTable.from(settings);
    ServiceHttp.bodyLimitBytes(settings);
    ClientAddress.from(settings);
    Cors.of(settings.string(Cors.SETTING, ""));
    TrustedIssuer.checkExternal(settings.string("ORGPLANE_TRUSTED_ISSUERS", ""), settings.string("ORGPLANE_PUBLIC_URL"));
    ListenAddress.requireApart(listeners(settings));
  }

  /** The public door, and {@code /metrics}'s own port when it has one. */
  public static List<ListenAddress> listeners(Settings settings) {
    var door = ListenAddress.of(settings, "ORGPLANE_HTTP_HOST", "ORGPLANE_HTTP_PORT");
    return settings.has("ORGPLANE_METRICS_PORT")
        ? List.of(door, ListenAddress.of(settings, "ORGPLANE_INTERNAL_HOST", "ORGPLANE_METRICS_PORT"))
        : List.of(door);
  }

  /**
   * By client address, by IPv6 site, and by the /48 holding the site when it is narrower: a site of its own for each
   * /56 of a /48 (a provider's customers) gave the holder of a whole /48 (a tunnel broker's, free) 256 sites' worth.
   */
  private PasswordLimits passwordLimits(ClientAddress clients) {
    var perAddress = TokenBuckets.shared(vertx, PER_ADDRESS_PASSWORDS, own.passwordRatePerSecond(),
        own.passwordBurst());
    var perSite = TokenBuckets.shared(vertx, PER_SITE_PASSWORDS, own.sitePasswordRatePerSecond(),
        own.sitePasswordBurst());
    var limits = new ArrayList<>(List.of(RateLimit.perClientAddress(perAddress, clients),
        RateLimit.perClientSite(perSite, clients, own.passwordSitePrefix())));
    if (own.slash48HoldsSites()) {
      var perSlash48 = TokenBuckets.shared(vertx, PER_SLASH48_PASSWORDS, own.slash48PasswordRatePerSecond(),
          own.slash48PasswordBurst());
      limits.add(RateLimit.perClientSite(perSlash48, clients, GatewaySettings.WIDEST_SITE_PREFIX));
    }
    return new PasswordLimits(limits);
  }

  private void releaseRateLimits() {
    TokenBuckets.release(vertx, PER_ADDRESS);
    TokenBuckets.release(vertx, PER_PRINCIPAL);
    TokenBuckets.release(vertx, PER_ADDRESS_PASSWORDS);
    TokenBuckets.release(vertx, PER_SITE_PASSWORDS);
    TokenBuckets.release(vertx, PER_SLASH48_PASSWORDS);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(forgetTimer);
    releaseRateLimits();
    if (proxy != null) {
      proxy.endEventStreams();
    }
    var drained = draining == null ? Future.succeededFuture() : draining.drain(server);
    return drained.andThen(done -> {
          // the requests answered through the notice and the drain are checked as any: with key sets kept fresh, so a
          // key withdrawn meanwhile is found gone (until session 29 they were fetched on their own no more meanwhile)
          if (verifier != null) {
            verifier.close();
          }
          if (proxy != null) {
            proxy.close();
          }
        })
        .eventually(() -> ServiceHttp.drain(metricsServer, 0));
  }
}
