package dev.orgplane.launcher;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.gateway.GatewayVerticle;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Deployable;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * One service per process, configured by the same keys as {@code standalone}. Its exit codes are each service's:
 * picocli's subcommands inherit the attributes of a superclass's {@code @Command} they do not set themselves.
 */
@Command(
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.FAILED_START, " " + ExitCodes.USAGE_ERROR, ExitCodes.STOPPED_BY_SIGTERM})
abstract class ServiceCommand implements Runnable {

  @Mixin
  ConfigOptions options;

  private final String service;

  ServiceCommand(String service) {
    this.service = service;
  }

  @Override
  public void run() {
    var process = new PlatformProcess();
    try {
      deploy(process, new Settings(process.loadConfig(options.asJson())));
    } catch (RuntimeException e) {
      process.abort();
      throw e;
    }
    System.out.printf("Orgplane %s is up (started in %d ms)%n", service, process.millisSinceStart());
    process.runUntilStopped();
  }

  /** Deploys the service's instances, each on an event loop of its own; {@code settings}: its configuration. */
  abstract void deploy(PlatformProcess process, Settings settings);

  /** Deploys {@code instances} of what {@code verticle} makes with {@code settings}, the configuration loaded here. */
  void deployConfigured(PlatformProcess process, Settings settings, Supplier<? extends Deployable> verticle,
      int instances) {
    process.deploy(service, settings, verticle, instances);
  }

  @Command(name = "gateway", mixinStandardHelpOptions = true, description = "Run the API gateway alone.")
  static final class Gateway extends ServiceCommand {
    Gateway() {
      super("api-gateway");
    }

    @Override
    void deploy(PlatformProcess process, Settings settings) {
      deployConfigured(process, settings, () -> new GatewayVerticle(settings), GatewayVerticle.eventLoops(settings));
    }
  }

  @Command(name = "org-service", mixinStandardHelpOptions = true, description = "Run the org service alone.")
  static final class OrgService extends ServiceCommand {
    OrgService() {
      super("org-service");
    }

    @Override
    void deploy(PlatformProcess process, Settings settings) {
      // no password in the output, as standalone: it would stay in whatever keeps it (a container's log)
      var adminPassword = new AdminPasswordFile(Path.of(settings.string("ORGPLANE_DATA_DIR")));
      deployConfigured(process, settings, () -> new OrgServiceVerticle(settings, adminPassword),
          OrgServiceVerticle.eventLoops(settings));
    }
  }

  @Command(name = "engine", mixinStandardHelpOptions = true, description = "Run a provisioning engine alone.")
  static final class Engine extends ServiceCommand {
    Engine() {
      super("provisioning-engine");
    }

    @Override
    void deploy(PlatformProcess process, Settings settings) {
      deployConfigured(process, settings, () -> new EngineVerticle(settings), EngineVerticle.eventLoops(settings));
    }
  }
}
