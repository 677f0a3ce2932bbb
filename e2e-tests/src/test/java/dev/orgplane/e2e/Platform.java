package dev.orgplane.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The whole platform for black-box tests: org-service, one provisioning engine and the gateway,
 * each in its own JVM, on one fresh database of the shared test PostgreSQL. Tests talk to the
 * gateway only.
 */
final class Platform implements AutoCloseable {

  /**
   * Whether the platform's services talk over Unix sockets: not when the processes run on io_uring
   * ({@code ORGPLANE_TRANSPORT=io_uring} in this JVM's environment, which they inherit), where Vert.x 5.0 has none.
   */
  static final boolean UNIX_SOCKETS = !"io_uring".equals(System.getenv("ORGPLANE_TRANSPORT"));
  final int gatewayPort;
  final int orgServicePort;
  /** Org-service instances besides the first, each a process of its own the gateway balances to. */
  final List<Integer> moreOrgServicePorts;
  final int enginePort;
  /** Every engine the gateway routes to, {@link #enginePort} first. */
  final List<Integer> enginePorts;
  private final Map<String, String> config;
  /** Where org-service's mail goes over SMTP: the test reads it as the addressee would. */
  private final GreenMail mail;
  /** The company identity provider every service trusts: its tokens are exchanged for ours. */
  final TestIdentityProvider identityProvider;
  private final List<ServiceProcess> processes = new ArrayList<>();
  private final Map<Integer, ServiceProcess> byPort = new java.util.HashMap<>();

  private Platform(int gatewayPort, int orgServicePort, List<Integer> moreOrgServicePorts, List<Integer> enginePorts,
      Map<String, String> config, GreenMail mail, TestIdentityProvider identityProvider) {
    this.gatewayPort = gatewayPort;
    this.orgServicePort = orgServicePort;
    this.moreOrgServicePorts = moreOrgServicePorts;
    this.enginePort = enginePorts.get(0);
    this.enginePorts = enginePorts;
    this.config = config;
    this.mail = mail;
    this.identityProvider = identityProvider;
  }

  /**
   * On a fresh database, org-service and the engine each on two event loops, as on a machine with cores to spare:
   * what one of a service's instances changes in memory (an ended session) the other must know at once.
   */
  static Platform start() {
    return start(PgFixture.freshDatabase(), 1, 2);
  }

  /** The platform on a database of the caller's choosing (benchmarks use a durable one), on the defaults. */
  static Platform start(dev.orgplane.kit.db.PgUrl database) {
    return start(database, 1);
  }

  /**
   * With {@code engines} provisioning engines side by side on the one database, the gateway
   * balancing between them; the first listens on {@link #enginePort}.
   */
  static Platform start(dev.orgplane.kit.db.PgUrl database, int engines) {
    return start(database, engines, 1, 1, Map.of());
  }

  /** On a fresh database, with {@code orgServices} org-service processes side by side behind the gateway. */
  static Platform withOrgServices(int orgServices) {
    return start(PgFixture.freshDatabase(), 1, 1, orgServices, Map.of());
  }

  /** As {@link #start()}, every service with {@code settings} instead of the defaults' (a limit made small, say). */
  static Platform withSettings(Map<String, String> settings) {
    return start(PgFixture.freshDatabase(), 1, 2, 1, settings);
  }

  private static Platform start(dev.orgplane.kit.db.PgUrl database, int engines, int serviceEventLoops) {
    return start(database, engines, serviceEventLoops, 1, Map.of());
  }

  private static Platform start(dev.orgplane.kit.db.PgUrl database, int engines, int serviceEventLoops,
      int orgServices, Map<String, String> settings) {
    int gateway = freePort();
    int orgService = freePort();
    int engine = freePort();
    var enginePorts = new ArrayList<Integer>(List.of(engine));
    while (enginePorts.size() < engines) {
      enginePorts.add(freePort());
    }
    var moreOrgServices = new ArrayList<Integer>();
    while (moreOrgServices.size() < orgServices - 1) {
      moreOrgServices.add(freePort());
    }
    // the gateway reaches org-service through its Unix socket, as a co-located deployment does (TCP on io_uring)
    var orgSocket = UNIX_SOCKETS ? socketPath(orgService) : "";
    var mail = new GreenMail(ServerSetup.SMTP.dynamicPort());
    mail.start();
    var identityProvider = new TestIdentityProvider();
    // Load tests and benchmarks all come from this one address: lift the per-address rate limits.
    var config = new java.util.HashMap<>(Map.ofEntries(
        Map.entry("ORGPLANE_ORG_SERVICE_SOCKET", orgSocket),
        Map.entry("ORGPLANE_SMTP_HOST", "127.0.0.1"),
        Map.entry("ORGPLANE_ORG_SERVICE_EVENT_LOOPS", String.valueOf(serviceEventLoops)),
        Map.entry("ORGPLANE_ENGINE_EVENT_LOOPS", String.valueOf(serviceEventLoops)),
        Map.entry("ORGPLANE_SMTP_PORT", String.valueOf(mail.getSmtp().getPort())),
        Map.entry("ORGPLANE_RATE_LIMIT_PER_SECOND", "1000000"),
        Map.entry("ORGPLANE_PASSWORD_RATE_LIMIT_PER_SECOND", "1000000"),
        Map.entry("ORGPLANE_PG_URL", database.toString()),
        Map.entry("ORGPLANE_HTTP_HOST", "127.0.0.1"),
        Map.entry("ORGPLANE_HTTP_PORT", String.valueOf(gateway)),
        Map.entry("ORGPLANE_ORG_SERVICE_PORT", String.valueOf(orgService)),
        Map.entry("ORGPLANE_ENGINE_PORT", String.valueOf(engine)),
        Map.entry("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:" + orgService),
        Map.entry("ORGPLANE_ENGINE_URL", "http://127.0.0.1:" + engine),
        Map.entry("ORGPLANE_PUBLIC_URL", "http://127.0.0.1:" + gateway),
        Map.entry("ORGPLANE_ADMIN_EMAIL", "admin@e2e.test"),
        Map.entry("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true"),
        Map.entry("ORGPLANE_HOOK_POLL_MILLIS", "100"),
        Map.entry("ORGPLANE_ENGINE_CLIENT_SECRET", "e2e-engine-secret-0123456789"),
        Map.entry("ORGPLANE_ENGINE_POLL_MILLIS", "200"),
        Map.entry("ORGPLANE_ENGINE_LEASE_MILLIS", "5000"),
        // tests wait for an engine to take in a withdrawn token: a second at most, not the shipped five
        Map.entry("ORGPLANE_REVOCATION_RELOAD_MILLIS", "1000"),
        Map.entry("ORGPLANE_ROUTES", routes(orgUpstreams(orgService, moreOrgServices), enginePorts)),
        Map.entry("ORGPLANE_TRUSTED_ISSUERS", identityProvider.trustedIssuers()),
        Map.entry("ORGPLANE_ADMIN_PASSWORD", "e2e-admin-password-1"),
        // bcrypt's lowest cost: the journeys sign in and register hundreds of times, and how long a hash takes is
        // org-service's own tests' concern
        Map.entry("ORGPLANE_PASSWORD_HASH_COST", "4")));
    config.putAll(settings);
    var platform = new Platform(gateway, orgService, moreOrgServices, enginePorts, config, mail, identityProvider);
    try {
      platform.startService("org-service", "org-service", orgService);
      for (var port : moreOrgServices) {
        platform.startOrgService(port);
      }
      for (var port : enginePorts) {
        platform.startEngine(port);
      }
      platform.startService("gateway", "gateway", gateway);
    } catch (RuntimeException e) {
      platform.close();
      throw e;
    }
    return platform;
  }

  /** The one database of the platform's services, for what no API shows. */
  dev.orgplane.kit.db.PgUrl database() {
    return dev.orgplane.kit.db.PgUrl.parse(config.get("ORGPLANE_PG_URL"));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + gatewayPort;
  }

  String adminEmail() {
    return config.get("ORGPLANE_ADMIN_EMAIL");
  }

  String adminPassword() {
    return config.get("ORGPLANE_ADMIN_PASSWORD");
  }

  /** How often org-service's hook dispatcher looks for due deliveries. */
  long hookPollMillis() {
    return Long.parseLong(config.get("ORGPLANE_HOOK_POLL_MILLIS"));
  }

  /** How long a service other than the one that withdrew a token may take it still (its next reload). */
  long revocationReloadMillis() {
    return Long.parseLong(config.get("ORGPLANE_REVOCATION_RELOAD_MILLIS"));
  }

  /** Starts one more provisioning engine on {@code port} (the gateway knows it only if it was routed at start). */
  ServiceProcess startEngine(int port) {
    return startService("engine", "engine-" + port, port);
  }

  /**
   * One more gateway, configured as the first, reaching org-service as it does: the benchmarks give each kind of
   * caller a gateway of its own, so that no figure pays for another's traffic; answers its port.
   */
  int startGateway(String name) {
    return startGateway(name, route(orgServiceAddress()), Map.of());
  }

  /**
   * One more gateway, on io_uring ({@code ORGPLANE_TRANSPORT}), reaching org-service over TCP (Vert.x 5.0 has no
   * Unix sockets on io_uring), so that one benchmark run weighs both transports; answers its port.
   */
  int startIoUringGateway() {
    return startGateway("gateway-io_uring", "http://127.0.0.1:" + orgServicePort,
        Map.of("ORGPLANE_TRANSPORT", "io_uring"));
  }

  private int startGateway(String name, String orgUpstream, Map<String, String> environment) {
    int port = freePort();
    startService("gateway", name, port, Map.of("ORGPLANE_HTTP_PORT", String.valueOf(port),
        "ORGPLANE_ROUTES", routes(orgUpstream, List.of(enginePort))), environment);
    return port;
  }

  /** Kills org-service (-9) and starts it again on its port. */
  void restartOrgService() {
    process(orgServicePort).kill();
    startService("org-service", "org-service", orgServicePort);
  }

  /** Stops the org-service on {@code port} as a deployment does (SIGTERM: it drains), and starts it again there. */
  void redeployOrgService(int port) {
    process(port).close();
    startOrgService(port);
  }

  /** Stops the engine on {@code port} as a deployment does (SIGTERM: it hands its jobs back), and starts it again. */
  void redeployEngine(int port) {
    process(port).close();
    startEngine(port);
  }

  /** An org-service instance on {@code port} and a socket of its own. */
  private void startOrgService(int port) {
    startService("org-service", "org-service-" + port, port, Map.of("ORGPLANE_ORG_SERVICE_PORT", String.valueOf(port),
        "ORGPLANE_ORG_SERVICE_SOCKET", UNIX_SOCKETS ? socketPath(port) : ""), Map.of());
  }

  /** What the benchmarks' load costs each process: the gateway, org-service, and this JVM, the load driver. */
  ProcessCpu cpu() {
    var pids = new java.util.LinkedHashMap<String, Long>();
    pids.put("gateway", process(gatewayPort).pid());
    pids.put("org-service", process(orgServicePort).pid());
    pids.put("load driver", ProcessHandle.current().pid());
    return new ProcessCpu(pids);
  }

  /** The process last started on {@code port}. */
  ServiceProcess process(int port) {
    return byPort.get(port);
  }

  private ServiceProcess startService(String command, String name, int port) {
    return startService(command, name, port, Map.of("ORGPLANE_ENGINE_PORT",
        command.equals("engine") ? String.valueOf(port) : config.get("ORGPLANE_ENGINE_PORT")), Map.of());
  }

  /** {@code command} listening on {@code port}, with the platform's configuration but {@code overrides}. */
  private ServiceProcess startService(String command, String name, int port, Map<String, String> overrides,
      Map<String, String> environment) {
    var merged = new java.util.HashMap<>(config);
    merged.putAll(overrides);
    var process = ServiceProcess.start(command, name, merged, environment);
    processes.add(process);
    byPort.put(port, process);
    awaitReady(process, port);
    return process;
  }

  /** Provisioning to every engine (the gateway skips one that is down), everything else to org-service. */
  private static String routes(String orgUpstream, List<Integer> engines) {
    return routes(new io.vertx.core.json.JsonArray().add(orgUpstream), engines);
  }

  private static io.vertx.core.json.JsonArray orgUpstreams(int first, List<Integer> more) {
    var upstreams = new io.vertx.core.json.JsonArray().add(route(orgServiceAddress(first)));
    more.forEach(port -> upstreams.add(route(orgServiceAddress(port))));
    return upstreams;
  }

  private static String routes(io.vertx.core.json.JsonArray org, List<Integer> engines) {
    var engineUrls = new io.vertx.core.json.JsonArray();
    engines.forEach(port -> engineUrls.add("http://127.0.0.1:" + port));
    return new io.vertx.core.json.JsonArray()
        .add(new io.vertx.core.json.JsonObject().put("prefix", "/v1/provisioning/").put("upstreams", engineUrls))
        .add(new io.vertx.core.json.JsonObject().put("prefix", "/v1/").put("upstreams", org))
        .add(new io.vertx.core.json.JsonObject().put("prefix", "/.well-known/").put("upstreams", org))
        .encode();
  }

  /** Where the gateway reaches org-service: {@code unix:/path}, or {@code 127.0.0.1:port} on io_uring. */
  String orgServiceAddress() {
    return orgServiceAddress(orgServicePort);
  }

  private static String orgServiceAddress(int port) {
    return UNIX_SOCKETS ? "unix:" + socketPath(port) : "127.0.0.1:" + port;
  }

  /** An address as a gateway route names it. */
  private static String route(String address) {
    return address.startsWith("unix:") ? address : "http://" + address;
  }

  /** Short (Unix socket paths are limited to about 100 bytes) and unique per platform. */
  private static String socketPath(int port) {
    return System.getProperty("java.io.tmpdir") + "/orgplane-" + port + ".sock";
  }

  static void awaitReady(ServiceProcess process, int port) {
    var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(process.name() + " exited during start:\n" + process.output());
      }
      try {
        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(200);
    }
    throw new IllegalStateException(process.name() + " was not ready within 60 s:\n" + process.output());
  }

  @Override
  public void close() {
    // all at once: each gives notice for a second before it stops
    processes.forEach(ServiceProcess::stop);
    processes.forEach(ServiceProcess::close);
    mail.stop();
    identityProvider.close();
  }

  /** One mail as its addressee reads it. */
  record Mail(String subject, String body) {
  }

  /** The first token starting with {@code prefix} mailed to {@code email}, once it has arrived (10 s at most). */
  String mailedToken(String email, String prefix) {
    var token = Pattern.compile(Pattern.quote(prefix) + "[A-Za-z0-9_-]{43}");
    var found = token.matcher(awaitMail(email, prefix + " token", mail -> token.matcher(mail.body()).find()).body());
    found.find();
    return found.group();
  }

  /** The first mail to {@code email} that is {@code sought}, once it has arrived (10 s at most). */
  Mail awaitMail(String email, String what, java.util.function.Predicate<Mail> sought) {
    var deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      var found = mailsTo(email).stream().filter(sought).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      sleep(50);
    }
    throw new AssertionError("no " + what + " mailed to " + email + " in 10 s");
  }

  /** Every mail that has reached {@code email} (matched without case) so far, in the order they arrived. */
  List<Mail> mailsTo(String email) {
    var mails = new ArrayList<Mail>();
    try {
      for (var message : mail.getReceivedMessages()) {
        if (message.getAllRecipients()[0].toString().equalsIgnoreCase(email)) {
          // decoded: a body with a character outside ASCII (a title's, say) travels quoted-printable, lines broken
          // at 76 characters, wherever an id or a token falls
          mails.add(new Mail(message.getSubject(), message.getContent() instanceof String text ? text
              : GreenMailUtil.getBody(message)));
        }
      }
    } catch (jakarta.mail.MessagingException | IOException e) {
      throw new IllegalStateException(e);
    }
    return mails;
  }

  static int freePort() {
    return TcpProxy.freePort();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
