package dev.orgplane.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code orgplane.jar}. */
@Command(name = "orgplane", mixinStandardHelpOptions = true, version = "orgplane 0.1.0",
    description = "Multi-tenant organization platform.",
    subcommands = {StandaloneCommand.class, ServiceCommand.Gateway.class, ServiceCommand.OrgService.class,
        ServiceCommand.Engine.class, AdminCommand.class, ProvisionCommand.class})
public final class Orgplane implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    var commandLine = new CommandLine(new Orgplane())
        .setExecutionExceptionHandler((failure, cmd, parsed) -> {
          cmd.getErr().println("orgplane: " + StartupFailure.describe(failure));
          return 1;
        });
    int exit = commandLine.execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
