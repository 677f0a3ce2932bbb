package dev.orgplane.launcher;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.gateway.GatewayVerticle;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One service per process, configured by the same keys as {@code standalone}. */
abstract class ServiceCommand implements Runnable {

  @Mixin
  ConfigOptions options;

  private final String service;
  private final Function<JsonObject, ? extends Deployable> verticle;

  ServiceCommand(String service, Function<JsonObject, ? extends Deployable> verticle) {
    this.service = service;
    this.verticle = verticle;
  }

  @Override
  public void run() {
    var process = new PlatformProcess();
    try {
      // the service loads defaults and environment itself; it is deployed with the command line only
      process.deploy(service, verticle, options.asJson(), instances(process));
    } catch (RuntimeException e) {
      process.abort();
      throw e;
    }
    System.out.printf("Orgplane %s is up (started in %d ms)%n", service, process.millisSinceStart());
    process.runUntilStopped();
  }

  /** How many instances of the service to deploy, each on an event loop of its own. */
  abstract int instances(PlatformProcess process);

  /** The configuration the service will load, read here for what must be known before it is deployed. */
  Settings settings(PlatformProcess process) {
    return new Settings(process.loadConfig(options.asJson()));
  }

  @Command(name = "gateway", mixinStandardHelpOptions = true, description = "Run the API gateway alone.")
  static final class Gateway extends ServiceCommand {
    Gateway() {
      super("api-gateway", GatewayVerticle::new);
    }

    @Override
    int instances(PlatformProcess process) {
      return GatewayVerticle.eventLoops(settings(process));
    }
  }

  @Command(name = "org-service", mixinStandardHelpOptions = true, description = "Run the org service alone.")
  static final class OrgService extends ServiceCommand {
    OrgService() {
      super("org-service", OrgServiceVerticle::new);
    }

    @Override
    int instances(PlatformProcess process) {
      return OrgServiceVerticle.eventLoops(settings(process));
    }
  }

  @Command(name = "engine", mixinStandardHelpOptions = true, description = "Run a provisioning engine alone.")
  static final class Engine extends ServiceCommand {
    Engine() {
      super("provisioning-engine", EngineVerticle::new);
    }

    @Override
    int instances(PlatformProcess process) {
      return EngineVerticle.eventLoops(settings(process));
    }
  }
}
