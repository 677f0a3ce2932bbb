package dev.orgplane.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code orgplane.jar}. A command line it cannot use (an unknown option, a bad value, no command) is
 * a usage error: the problem and the usage on stderr, exit code {@value #USAGE_ERROR}, EX_USAGE of sysexits.h.
 * Picocli's own 2 would read as provision's "the batch could not start".
 */
@Command(name = "orgplane", mixinStandardHelpOptions = true, version = "orgplane 0.1.0",
    description = "Multi-tenant organization platform.",
    subcommands = {StandaloneCommand.class, DatabaseCommand.class, ServiceCommand.Gateway.class,
        ServiceCommand.OrgService.class, ServiceCommand.Engine.class, AdminCommand.class, ProvisionCommand.class},
    exitCodeListHeading = "%nExit codes (each command's --help lists its own):%n",
    exitCodeList = {
        "  0:done (an admin operation, a batch provisioned, --help, --version)",
        "  " + ExitCodes.FAILURE + " (standalone, database or a service that cannot start)",
        " " + ExitCodes.USAGE_ERROR + " (EX_USAGE), the problem and the usage on stderr",
        ExitCodes.STOPPED_BY_SIGTERM + ": standalone, database or a service"})
public final class Orgplane implements Runnable {

  static final int USAGE_ERROR = 64;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int exit = commandLine().execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /**
   * The command line with its answers to failures: one line, and the usage after a usage error. An argument starting
   * with {@code @} is taken as written, not as a file of arguments to read (picocli's default): a token or password
   * beginning with {@code @} was replaced by a file's text whenever a file of that name was there.
   */
  static CommandLine commandLine() {
    return new CommandLine(new Orgplane())
        .setExpandAtFiles(false)
        .setParameterExceptionHandler((problem, args) -> {
          var command = problem.getCommandLine();
          command.getErr().println("orgplane: " + problem.getMessage());
          UnmatchedArgumentException.printSuggestions(problem, command.getErr());
          command.usage(command.getErr());
          return USAGE_ERROR;
        })
        .setExecutionExceptionHandler((failure, command, parsed) -> {
          command.getErr().println("orgplane: " + StartupFailure.describe(failure));
          return 1;
        });
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command");
  }
}
