package dev.orgplane.launcher;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.gateway.GatewayVerticle;
import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.ListenAddress;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Every service in one process: the embedded PostgreSQL (unless {@code ORGPLANE_PG_URL} names
 * another), org-service and the engine on loopback ports (and Unix sockets the gateway uses), and the
 * gateway as the public door.
 */
@Command(name = "standalone", mixinStandardHelpOptions = true,
    description = "Run the whole platform in one process (embedded PostgreSQL by default).",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.FAILED_START, " " + ExitCodes.USAGE_ERROR, ExitCodes.STOPPED_BY_SIGTERM})
final class StandaloneCommand implements Runnable {

  /** sun_path holds 108 bytes on Linux, its terminating zero included; a margin for other kernels. */
  private static final int MAX_SOCKET_PATH_BYTES = 100;
  /** The sockets' files in the data directory. */
  static final String ORG_SERVICE_SOCKET = "org-service.sock";
  static final String ENGINE_SOCKET = "engine.sock";

  @Mixin
  ConfigOptions options;

  @Override
  public void run() {
    var process = new PlatformProcess();
    var settings = new Settings(process.loadConfig(options.asJson()));
    // what this run sets for its services, on top of the configuration
    var overrides = options.asJson();
    try {
      var dataDir = DataDirectory.claim(Path.of(settings.string("ORGPLANE_DATA_DIR")));
      process.closeAfterServices(dataDir);
      if (!configured("ORGPLANE_PUBLIC_URL")) {
        // tokens' issuer, discovery and mailed links name the door this process serves, on whichever port it is
        overrides.put("ORGPLANE_PUBLIC_URL", gatewayUrl(settings));
      }
      if (!configured("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS")) {
        // a laptop platform delivers to receivers on the same laptop; one that others reach refuses (SSRF): its
        // registration is open, so anyone on the network could make it post to this machine or its network. Set
        // either way: a blank one given would hide the default
        overrides.put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS",
            Boolean.toString(loopbackOnly(settings.string("ORGPLANE_HTTP_HOST"))));
      }
      if (settings.string("ORGPLANE_ENGINE_CLIENT_SECRET", "").isEmpty()) {
        // both services run in this process: a secret of this run's own is enough, and none is stored
        overrides.put("ORGPLANE_ENGINE_CLIENT_SECRET", RandomSecret.generate());
      }
      overrides.put("ORGPLANE_ORG_SERVICE_URL", internalUrl(settings, "ORGPLANE_ORG_SERVICE_PORT"));
      overrides.put("ORGPLANE_ENGINE_URL", internalUrl(settings, "ORGPLANE_ENGINE_PORT"));
      if (process.unixSockets()) {
        socketIn(dataDir, settings, "ORGPLANE_ORG_SERVICE_SOCKET", ORG_SERVICE_SOCKET, overrides);
        socketIn(dataDir, settings, "ORGPLANE_ENGINE_SOCKET", ENGINE_SOCKET, overrides);
      }
      checkSettings(settings.with(overrides));
      if (settings.has("ORGPLANE_PG_URL")) {
        // what an embedded server an earlier run was killed with left: admin would take it for this run's database
        EmbeddedDatabase.removeLeftovers(dataDir);
      } else {
        var database = EmbeddedDatabase.startFor(process, dataDir, settings);
        overrides.put("ORGPLANE_PG_URL", database.url().toString());
      }
      // the configuration loaded above, with what this run set: not loaded again by each service's every instance
      var services = settings.with(overrides);
      var adminPassword = new AdminPasswordFile(dataDir.path());
      process.deploy("org-service", services, () -> new OrgServiceVerticle(services, adminPassword),
          OrgServiceVerticle.eventLoops(services));
      process.deploy("provisioning-engine", services, () -> new EngineVerticle(services),
          EngineVerticle.eventLoops(services));
      process.deploy("api-gateway", services, () -> new GatewayVerticle(services),
          GatewayVerticle.eventLoops(services));
    } catch (Throwable e) {
      process.abort();
      throw e;
    }
    System.out.printf("Orgplane is up: %s (started in %d ms)%n", gatewayUrl(settings), process.millisSinceStart());
    process.runUntilStopped();
  }

  /**
   * Every service's settings that need no database, each in its range, its listeners apart from the others', and
   * their pools within the embedded database's connections, else a ConfigException naming them: checked before the
   * embedded database is unpacked and initialised, where a service's start found a mistake only after initdb, and left
   * its files behind.
   */
  static void checkSettings(Settings services) {
    OrgServiceVerticle.checkSettings(services);
    EngineVerticle.checkSettings(services);
    GatewayVerticle.checkSettings(services);
    var listeners = new ArrayList<>(GatewayVerticle.listeners(services));
    listeners.add(ListenAddress.of(services, "ORGPLANE_INTERNAL_HOST", "ORGPLANE_ORG_SERVICE_PORT"));
    listeners.add(ListenAddress.of(services, "ORGPLANE_INTERNAL_HOST", "ORGPLANE_ENGINE_PORT"));
    if (!services.has("ORGPLANE_PG_URL")) {
      // started first, it took the port, and the service given the same one failed to bind after initdb
      listeners.add(EmbeddedDatabase.listenAddress(EmbeddedDatabase.configuredPort(services)));
    }
    ListenAddress.requireApart(listeners);
    requireSocketsApart(services);
    if (!services.has("ORGPLANE_PG_URL")) {
      requireRoomInTheEmbeddedDatabase(services);
    }
  }

  /** One socket path for both services would be shared by them as one TCP address is (ListenAddress). */
  private static void requireSocketsApart(Settings services) {
    var org = services.string("ORGPLANE_ORG_SERVICE_SOCKET", "");
    var engine = services.string("ORGPLANE_ENGINE_SOCKET", "");
    if (!org.isBlank() && !engine.isBlank() && absolute(org).equals(absolute(engine))) {
      throw new ConfigException("ORGPLANE_ORG_SERVICE_SOCKET and ORGPLANE_ENGINE_SOCKET are both " + org
          + ": give each its own path");
    }
  }

  private static Path absolute(String path) {
    return Path.of(path).toAbsolutePath().normalize();
  }

  /**
   * Every instance of org-service and of the engine opens a pool of its own: together they may not need more
   * connections than the embedded server takes, less what the admin command, an operator's psql and the instances'
   * migrations at start connect with. Past it, a busy platform's statements fail with "too many clients".
   */
  private static void requireRoomInTheEmbeddedDatabase(Settings services) {
    var poolSize = services.integer("ORGPLANE_PG_POOL_SIZE", 1, Integer.MAX_VALUE);
    var orgService = OrgServiceVerticle.eventLoops(services);
    var engine = EngineVerticle.eventLoops(services);
    var needed = poolSize * ((long) orgService + engine);
    var room = EmbeddedDatabase.MAX_CONNECTIONS - EmbeddedDatabase.OTHER_CONNECTIONS;
    if (needed > room) {
      throw new ConfigException("ORGPLANE_PG_POOL_SIZE " + poolSize + " x (ORGPLANE_ORG_SERVICE_EVENT_LOOPS "
          + orgService + " + ORGPLANE_ENGINE_EVENT_LOOPS " + engine + ") is " + needed + " connections, more than the "
          + "embedded PostgreSQL's " + room + " (" + EmbeddedDatabase.MAX_CONNECTIONS + " less "
          + EmbeddedDatabase.OTHER_CONNECTIONS + " kept for the admin command and psql): lower them, or set "
          + "ORGPLANE_PG_URL to a server that takes more");
    }
  }

  /** Whether the operator set {@code key} (the defaults do not count). */
  private boolean configured(String key) {
    return given(key, options.values, System.getenv());
  }

  /**
   * Whether {@code key} has a value in {@code commandLine}, or else in {@code environment}: as everywhere
   * ({@link Settings#has}), a blank one is none. A blank {@code ORGPLANE_PUBLIC_URL=} counted as given, so standalone
   * left it blank and stopped on "ORGPLANE_PUBLIC_URL is not set".
   */
  static boolean given(String key, Map<String, String> commandLine, Map<String, String> environment) {
    var value = commandLine.containsKey(key) ? commandLine.get(key) : environment.get(key);
    return value != null && !value.isBlank();
  }

  /**
   * {@code host} as a URL names it: an IPv6 literal in brackets (RFC 3986), else {@code http://::1:8081} has no host
   * (java.net.URI reads none) and the services' URLs built from it reached nothing.
   */
  static String urlHost(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** Whether the gateway listening on {@code host} is reachable from this machine alone. */
  static boolean loopbackOnly(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A service of this process, at the port ({@code portKey}) the gateway reaches it on: not 0 (any free one). */
  private static String internalUrl(Settings settings, String portKey) {
    return "http://" + urlHost(settings.string("ORGPLANE_INTERNAL_HOST")) + ":"
        + settings.integer(portKey, 1, Settings.MAX_PORT);
  }

  /** The gateway of this process on this machine: {@code https} when it is given a certificate, at its port. */
  static String gatewayUrl(Settings settings) {
    var scheme = settings.string("ORGPLANE_TLS_CERT_FILE", "").isBlank() ? "http" : "https";
    return scheme + "://localhost:" + settings.integer("ORGPLANE_HTTP_PORT", 1, Settings.MAX_PORT);
  }

  /**
   * The gateway reaches the services of this process through Unix sockets in the data directory
   * (unless configured otherwise): no loopback TCP stack between them. A path too long for a socket
   * address (about 100 bytes) leaves that service on TCP.
   */
  private static void socketIn(DataDirectory dataDir, Settings settings, String key, String file, JsonObject overrides) {
    if (settings.has(key)) {
      return;
    }
    var socket = dataDir.path().resolve(file).toString();
    if (socket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
      return;
    }
    overrides.put(key, socket);
  }
}
