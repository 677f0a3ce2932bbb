package dev.orgplane.launcher;

import dev.orgplane.engine.orgapi.RequesterRights;
import dev.orgplane.kit.config.MaskedUrl;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.PathSegment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code orgplane provision}: stamps out tenants from a template through the gateway, as a batch, and
 * follows it with a progress bar until it ends. Exit code 0 when the batch succeeded, every job of it: each tenant
 * made, or brought up to date where it existed (named as existing, a rollout's, or made by another job of the
 * template), or planned by a dry run; whether the end counts a tenant made or existing ({@link #existingTenantsDone})
 * changes only its wording, not the code. 1 when some job failed (one that copied everything but could not invite
 * the owner too) or was cancelled (they are listed, with the organizations they left partly copied), 2 when the batch
 * could not be started (or cancelled), or the platform stopped answering for longer than starting or following
 * waits out ({@link #PATIENCE}; a start that gave up
 * says the batch may have started, and the {@code --idempotency-key} that starts it once at most), or the command failed
 * otherwise; a command line it cannot use is a usage error ({@link Orgplane#USAGE_ERROR}). The
 * batch belongs to the platform, not to this process: interrupted, it goes on, {@code --follow} picks it
 * up again and {@code --cancel} stops it.
 */
@Command(name = "provision", mixinStandardHelpOptions = true,
    description = "Copy a template organization into new tenants, with a progress bar.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {
        " 0:the batch succeeded, every job of it (each tenant made, brought up to date or planned by a dry run)",
        " 1:followed to its end, some job failed or was cancelled (they are listed)",
        " 2:the batch could not be started, followed or cancelled (the platform did not answer for a minute, or "
            + "the command failed otherwise)",
        ExitCodes.USAGE_ERROR})
final class ProvisionCommand implements Callable<Integer> {

  private static final long POLL_MILLIS = 500;
  /** How long following rides out a platform that does not answer (restarting, busy) before giving up. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** The environment variables provision takes its credentials from, when its options do not give them. */
  static final String TOKEN_VARIABLE = "ORGPLANE_TOKEN";
  static final String PASSWORD_VARIABLE = "ORGPLANE_PASSWORD";
  /** The 409 of a cancel that came after the batch's last job had ended. */
  private static final String BATCH_FINISHED = "batch_finished";
  /** The error of a job that copied everything but could not invite its organization's owner. */
  private static final String OWNER_NOT_INVITED = "owner_not_invited";
  /** The most jobs of one batch the engine runs at once (its API refuses more). */
  private static final int MAX_CONCURRENCY = 64;

  @Spec
  CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://localhost:8080", description = "The gateway (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--token", description = "A bearer token (or " + TOKEN_VARIABLE + ").")
  String token;

  @Option(names = "--email", description = "Sign in with this account instead of a token.")
  String email;

  @Option(names = "--password", description = "Its password (or " + PASSWORD_VARIABLE + ").")
  String password;

  @Option(names = "--template", description = "The template organization: id or name.")
  String template;

  @Option(names = "--follow", paramLabel = "BATCH", description = "Follow a batch started earlier instead of starting one.")
  String follow;

  @Option(names = "--cancel", paramLabel = "BATCH",
      description = "Cancel a batch (its queued jobs end at once, its running ones at their next page) and follow it to its end.")
  String cancel;

  @Option(names = "--concurrency", defaultValue = "4", description = "Jobs running at once (1-64, default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--targets-file",
      description = "A file with one new tenant per line, NAME or NAME,OWNER-EMAIL (# comments).")
  Path targetsFile;

  @Option(names = "--dry-run", description = "Plan every copy, write nothing.")
  boolean dryRun;

  @Option(names = "--no-members", description = "Copy everything but the template's members.")
  boolean noMembers;

  @Option(names = "--copy-hook-secrets",
      description = "Copies of the template's hooks sign with its secrets, so one receiver verifies every tenant's "
          + "deliveries (you must be allowed to edit the template's hooks).")
  boolean copyHookSecrets;

  @Option(names = "--keep-existing",
      description = "Into tenants that exist, copy only what they lack: copies already there stay as the tenants left "
          + "them (members who left are copied again unless --no-members).")
  boolean keepExisting;

  @Option(names = "--all-provisioned",
      description = "Instead of naming tenants, bring every organization of the template's group made from the template "
          + "up to date with it (a rollout of its changes; the platform selects them when the batch starts).")
  boolean allProvisioned;

  @Option(names = "--idempotency-key", paramLabel = "KEY",
      description = "Start the batch under this Idempotency-Key (default: a new random one): the key of a start that "
          + "may have started, given again within a day with the same batch, starts it once at most.")
  String idempotencyKey;

  /** The options that shape a batch as it starts: with {@code --follow} or {@code --cancel} they would change nothing. */
  private static final List<String> START_OPTIONS = List.of("--concurrency", "--dry-run", "--no-members",
      "--copy-hook-secrets", "--keep-existing", "--idempotency-key");

  @Parameters(paramLabel = "NAME[,OWNER-EMAIL]", arity = "0..*",
      description = "The new tenants: each a name, or a name and the email address of its owner, who is invited.")
  List<String> names = new ArrayList<>();

  /** The new tenants of a batch to start, read with the other options; null when the platform selects them. */
  private NewTenants newTenants;

  /** The progress shown, once there is a batch to follow. */
  private ProgressLine progress;

  /** How long following, and starting, ride out a platform that does not answer. */
  private final Duration patience;

  ProvisionCommand() {
    this(PATIENCE);
  }

  /** A command that gives up sooner, for tests of what it says then. */
  ProvisionCommand(Duration patience) {
    this.patience = patience;
  }

  @Override
  public Integer call() {
    try {
      credentialsFromEnvironment();
      refuseUnusableOptions();
      return provision();
    } catch (ParameterException e) {
      throw e;
    } catch (RuntimeException e) {
      // a failure that is not a LauncherException is a bug; told in one line all the same, and with 2: the batch
      // could not be started or followed (1 would say that tenants failed)
      System.err.println("orgplane: " + StartupFailure.describe(e));
      return 2;
    }
  }

  /**
   * The credentials the options do not give, from {@link #TOKEN_VARIABLE} and {@link #PASSWORD_VARIABLE}, as they
   * are. Read here, not as picocli's {@code ${env:...}} defaults: picocli expands {@code ${...}} and {@code $$} in the
   * value it reads as well, so a password holding a {@code $} was sent changed (or the command crashed).
   */
  private void credentialsFromEnvironment() {
    if (token == null) {
      token = System.getenv(TOKEN_VARIABLE);
    }
    if (password == null) {
      password = System.getenv(PASSWORD_VARIABLE);
    }
  }

  /** Usage errors, found before the gateway is asked anything (signing in included). */
  private void refuseUnusableOptions() {
    URI gateway;
    try {
      gateway = new URI(url);
    } catch (URISyntaxException e) {
      // its message quotes the input, a password in its user info among it
      throw usageError("--url is not a URL (" + e.getReason() + "), got '" + MaskedUrl.of(url) + "'");
    }
    if (!List.of("http", "https").contains(String.valueOf(gateway.getScheme()).toLowerCase(Locale.ROOT))
        || gateway.getHost() == null) {
      throw usageError("--url must be an http:// or https:// URL with a host, got '" + MaskedUrl.of(url) + "'");
    }
    if (gateway.getPort() == 0 || gateway.getPort() > Settings.MAX_PORT) {
      throw usageError("--url's port must be 1 to " + Settings.MAX_PORT + ", got " + gateway.getPort());
    }
    // every call's path is appended to the URL: after a query or a fragment it is no path; and the platform takes no
    // credentials in a URL (its user info cost every call a refused stream and a minute of retries)
    if (gateway.getRawUserInfo() != null || gateway.getRawQuery() != null || gateway.getRawFragment() != null) {
      throw usageError("--url names the gateway alone: no user@, ?query or #fragment, got '" + MaskedUrl.of(url) + "'");
    }
    if (email == null && (token == null || token.isBlank())) {
      throw usageError("give --token (or ORGPLANE_TOKEN), or --email and --password (or ORGPLANE_PASSWORD)");
    }
    // --email's sign-in replaced a --token given with it without a word; ORGPLANE_TOKEN, which may be set for other
    // uses, gives way to it
    if (email != null && spec.commandLine().getParseResult().hasMatchedOption("--token")) {
      throw usageError("give --token or --email, not both");
    }
    if (email != null && password == null) {
      throw usageError("--email needs its --password (or ORGPLANE_PASSWORD)");
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw usageError("--concurrency must be 1-" + MAX_CONCURRENCY + ", got " + concurrency);
    }
    boolean batch = template != null || !names.isEmpty() || targetsFile != null || allProvisioned;
    if (follow != null && cancel != null) {
      throw usageError("give --follow or --cancel, not both");
    }
    if (batch && (follow != null || cancel != null)) {
      // named rather than "give one of" and the whole usage: which of them to drop
      throw usageError("--template, new tenants and --all-provisioned start a batch; "
          + (follow != null ? "--follow" : "--cancel") + " names one started already: give one or the other");
    }
    if (!batch && follow == null && cancel == null) {
      throw usageError("give one of: --template and new tenants (or --all-provisioned), --follow BATCH, --cancel BATCH");
    }
    if (batch && template == null) {
      throw usageError("name the template the new tenants are copied from (--template)");
    }
    if (!batch) {
      var parsed = spec.commandLine().getParseResult();
      var given = START_OPTIONS.stream().filter(parsed::hasMatchedOption).findFirst();
      if (given.isPresent()) {
        throw usageError(given.get() + " goes with a batch to start (--template), not --follow or --cancel");
      }
    }
    if (allProvisioned && (!names.isEmpty() || targetsFile != null)) {
      throw usageError("--all-provisioned selects the tenants: name none (arguments or --targets-file)");
    }
    if (batch && !allProvisioned) {
      newTenants = targets();
    }
  }

  private ParameterException usageError(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private int provision() {
    var gateway = new GatewayClient(url, token);
    if (email != null) {
      gateway.signIn(email, password);
    }
    var batchId = cancel != null ? cancel : follow != null ? follow : start(gateway);
    var path = "/v1/provisioning/batches/" + PathSegment.of(batchId);
    var batch = cancel != null ? cancel(gateway, path) : read(gateway, path);
    // the batch's own word, whoever started it: its first job's said nothing of a batch without jobs
    var plan = batch.getBoolean("dryRun", false);
    progress = new ProgressLine(System.out, Terminal.stdoutColumns(), plan);
    try (var stillRunning = StillRunningNotice.register(batchId)) {
      while (true) {
        progress.show(batch.getJsonObject("counts"), batch.getLong("total"), objectsCopied(batch));
        if (List.of("succeeded", "failed", "cancelled").contains(batch.getString("status"))) {
          break;
        }
        GatewayClient.sleep(POLL_MILLIS);
        batch = read(gateway, path);
      }
    } finally {
      progress.end();
    }
    return report(batch, existingTenantsDone(gateway, path, batch), unsuccessfulJobs(gateway, path), plan);
  }

  /**
   * Of the batch's tenants done, how many existed before it: every one of a rollout; of a batch naming tenants, its
   * jobs into an organization named as existing ({@code {organization}}, a job without a {@code target}), which a batch
   * started through the API may mix with new ones, and its new tenants' jobs that found their organization made by
   * another job of the template (a re-run's), and brought it up to date. Until session 45 those were all counted made,
   * and until session 47 so were the new tenants found made already.
   */
  private long existingTenantsDone(GatewayClient gateway, String path, JsonObject batch) {
    if ("provisionedFrom".equals(batch.getString("selection"))) {
      return batch.getJsonObject("counts").getLong("succeeded", 0L);
    }
    // a plan's end counts tenants planned, whichever they are
    if (batch.getBoolean("dryRun", false)) {
      return 0;
    }
    var done = jobs(gateway, path, "succeeded");
    var newTenantJobs = done.stream().filter(job -> job.getJsonObject("target") != null).toList();
    return done.size() - newTenantJobs.size()
        + (newTenantJobs.isEmpty() ? 0 : foundMade(gateway, batch, newTenantJobs));
  }

  /**
   * Of new tenants' jobs, those whose organization another job made: it records the job that made it
   * ({@code provisionedFrom.jobId}), which no retry of that job changes; a job's JSON does not say whether it made its
   * organization or found it. The template's tenants are read in one list, by id as the engine reads a rollout's, not
   * one call each. One the caller cannot read (deleted since, or out of its token's reach) is counted made, as asked.
   */
  private long foundMade(GatewayClient gateway, JsonObject batch, List<JsonObject> newTenantJobs) {
    var makers = new HashMap<String, String>();
    pages(gateway, "/v1/organizations", "order=id&provisionedFrom="
        + URLEncoder.encode(batch.getString("templateOrganization"), StandardCharsets.UTF_8) + "&groupId="
        + URLEncoder.encode(batch.getString("groupId"), StandardCharsets.UTF_8))
        .forEach(tenant -> makers.put(tenant.getString("id"),
            tenant.getJsonObject("provisionedFrom", new JsonObject()).getString("jobId")));
    return newTenantJobs.stream().filter(job -> {
      var maker = makers.get(job.getString("targetOrganization"));
      return maker != null && !maker.equals(job.getString("id"));
    }).count();
  }

  /**
   * Reads what the command follows, riding out a platform that restarts or is busy for a while: each wait is a
   * line on stderr, below the progress line.
   */
  private JsonObject read(GatewayClient gateway, String path) {
    return gateway.poll(path, patience, this::tellWaiting);
  }

  /** Why the command waits, on stderr, below the progress line if there is one. */
  private void tellWaiting(String why) {
    if (progress != null) {
      progress.end();
    }
    System.err.println("orgplane: " + why);
  }

  /**
   * Cancels the batch, under an {@code Idempotency-Key} of its own and riding out a platform that does not answer as
   * a start does; one that ended before the cancel came is followed to its end all the same.
   */
  private JsonObject cancel(GatewayClient gateway, String path) {
    JsonObject batch;
    try {
      batch = gateway.postOnce(path + "/cancel", new JsonObject(), UUID.randomUUID().toString(), patience,
          this::tellWaiting);
    } catch (GatewayClient.Refused refused) {
      if (!BATCH_FINISHED.equals(refused.code())) {
        throw refused;
      }
      System.out.println("batch " + cancel + " had ended already: nothing to cancel");
      return read(gateway, path);
    }
    var counts = batch.getJsonObject("counts");
    var running = counts.getLong("running");
    System.out.println("batch " + batch.getString("id") + " cancelled: " + counts.getLong("cancelled")
        + " jobs will not run, " + running + " running stop after their current page"
        + (running == 0 || batch.getBoolean("dryRun", false) ? "" : ", leaving their tenants partly copied"));
    return batch;
  }

  /** Starts the batch the options describe; answers its id. */
  private String start(GatewayClient gateway) {
    var templateId = gateway.get("/v1/organizations/" + PathSegment.of(template)).getString("id");
    var request = new JsonObject().put("templateOrganization", templateId);
    if (allProvisioned) {
      request.put("select", "provisionedFrom");
    } else {
      request.put("targets", newTenants.targets());
    }
    var key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
    JsonObject batch;
    try (var mayRun = StillRunningNotice.registerStarting(gateway.baseUrl(), templateId, key)) {
      batch = gateway.postOnce("/v1/provisioning/batches", request.put("concurrency", concurrency)
          .put("dryRun", dryRun).put("options", new JsonObject().put("copyMembers", !noMembers)
              .put("copyHookSecrets", copyHookSecrets).put("existing", keepExisting ? "keep" : "update")),
          key, patience, this::tellWaiting);
    } catch (GatewayClient.Refused refused) {
      throw new LauncherException(refused.describe(allProvisioned ? field -> "" : newTenants::whereNamed), refused);
    } catch (GatewayClient.Unavailable gaveUp) {
      // a start whose answer was lost, or never came, may have started the batch all the same
      throw new LauncherException(gaveUp.getMessage() + "\n"
          + StillRunningNotice.startMayHaveRun(gateway.baseUrl(), templateId, key), gaveUp);
    }
    System.out.println("batch " + batch.getString("id") + ": " + batch.getLong("total") + " tenants from " + template
        + (allProvisioned ? " (every tenant made from it)" : ""));
    return batch.getString("id");
  }

  /** The new tenants the arguments and the targets file name, read before the gateway is asked anything. */
  private NewTenants targets() {
    NewTenants tenants;
    try {
      tenants = NewTenants.read(names, targetsFile);
    } catch (NewTenants.Malformed e) {
      throw usageError(e.getMessage());
    }
    if (tenants.isEmpty()) {
      throw usageError("name at least one new tenant (arguments or --targets-file)");
    }
    return tenants;
  }

  /** The batch's jobs that failed or were cancelled. */
  private List<JsonObject> unsuccessfulJobs(GatewayClient gateway, String batchPath) {
    var jobs = jobs(gateway, batchPath, "failed");
    jobs.addAll(jobs(gateway, batchPath, "cancelled"));
    return jobs;
  }

  /** The batch's jobs of a status. */
  private List<JsonObject> jobs(GatewayClient gateway, String batchPath, String status) {
    return pages(gateway, batchPath + "/jobs", "status=" + status);
  }

  /** Every item of the list at {@code path} that {@code filters} select, page by page. */
  private List<JsonObject> pages(GatewayClient gateway, String path, String filters) {
    var items = new ArrayList<JsonObject>();
    String cursor = null;
    do {
      var page = read(gateway, path + "?limit=500&" + filters + (cursor == null ? ""
          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      page.getJsonArray("items").forEach(item -> items.add((JsonObject) item));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return items;
  }

  /** Objects the jobs have copied or found in place already (the batch sums its jobs' steps). */
  private static long objectsCopied(JsonObject batch) {
    var objects = batch.getJsonObject("objects");
    return objects.getLong("created") + objects.getLong("updated") + objects.getLong("unchanged");
  }

  /**
   * The end, worded as a plan for a dry run, which makes nothing. It tells the objects created, updated and found
   * unchanged apart: a re-run into the same tenants shows that it wrote nothing twice. The jobs cancelled are counted
   * when there are some, and each tenant a job left partly written is said to be: it exists, and nothing else says so.
   * Tenants that existed ({@code existing} of those done) were brought up to date, not made.
   */
  private static int report(JsonObject batch, long existing, List<JsonObject> jobs, boolean plan) {
    var status = batch.getString("status");
    var counts = batch.getJsonObject("counts");
    var succeeded = counts.getLong("succeeded", 0L);
    var tenants = succeeded + " of " + batch.getLong("total") + " tenants";
    var ended = plan ? " (dry run): " + tenants + " planned, nothing written"
        : ": " + tenants + tenantsDone(succeeded, existing) + counts.getLong("failed", 0L) + " failed"
            + cancelledCount(counts);
    System.out.println("batch " + status + ended + "; objects: " + objectCounts(batch.getJsonObject("objects"), plan)
        + ownerCounts(batch.getJsonObject("owners", new JsonObject()), plan));
    jobs.forEach(job -> {
      var error = job.getJsonObject("error");
      // a new tenant by its name; an existing one (every tenant of a rollout) by its id
      var tenant = job.getJsonObject("target", new JsonObject()).getString("name",
          job.getString("targetOrganization", job.getString("id")));
      System.out.println("  " + tenant + ": " + job.getString("status") + (error == null ? ""
          : " (" + error.getString("code") + ": " + error.getString("detail") + ")"));
      // the fields org-service refused, when it named them: what to mend before a retry
      (error == null ? new JsonArray() : error.getJsonArray("errors", new JsonArray())).stream()
          .filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
          .forEach(field -> System.out.println("    " + field.getString("field") + ": " + field.getString("message")));
      if (!plan && job.getString("targetOrganization") != null && wroteSomething(job)) {
        System.out.println("    " + leftBehind(job));
      }
    });
    return "succeeded".equals(status) ? 0 : 1;
  }

  /** What was done to the tenants done, {@code existing} of which existed before the batch. */
  private static String tenantsDone(long succeeded, long existing) {
    if (existing == 0) {
      return " made, ";
    }
    return existing == succeeded ? " brought up to date, "
        : " done (" + (succeeded - existing) + " made, " + existing + " existing brought up to date), ";
  }

  private static String cancelledCount(JsonObject counts) {
    var cancelled = counts.getLong("cancelled", 0L);
    return cancelled == 0 ? "" : ", " + cancelled + " cancelled";
  }

  /**
   * Whether a job that failed or was cancelled may have written to its organization: not one that never ran (cancelled
   * while queued), nor one whose only run was refused {@code requester_not_admin}, which a run checks before it
   * writes anything. A retried job's earlier runs may have written, so runs are counted, not steps.
   */
  private static boolean wroteSomething(JsonObject job) {
    var runs = job.getInteger("attempts", 0);
    return runs > 1 || runs == 1 && !RequesterRights.NOT_ADMIN.equals(errorCode(job));
  }

  /**
   * The state a job that failed or was cancelled left its organization in. {@code owner_not_invited} ends a job whose
   * copy is complete: only its owner is missing. Otherwise a copy stopped midway: a new tenant exists, made from the
   * template, so deleting it starts it clean; an existing one (a rollout's) is a tenant in use, partly brought up to
   * date, which a retry completes and deleting would destroy.
   */
  private static String leftBehind(JsonObject job) {
    var organization = "organization " + job.getString("targetOrganization");
    if (OWNER_NOT_INVITED.equals(errorCode(job))) {
      return organization + " is copied completely, but its owner was not invited (retry the batch to invite them)";
    }
    return job.getJsonObject("target") == null ? "partly brought up to date (retry the batch to complete it)"
        : organization + " exists, partly copied (retry the batch to complete it, or delete the organization to start "
            + "clean)";
  }

  private static String errorCode(JsonObject job) {
    var error = job.getJsonObject("error");
    return error == null ? null : error.getString("code");
  }

  /**
   * What inviting the tenants' owners came to, when some were named: invited now, found invited or owners already (a
   * re-run invites no one twice), or members made owner; a plan's owners are to be invited or made owner.
   */
  private static String ownerCounts(JsonObject owners, boolean plan) {
    if (owners.stream().mapToLong(count -> ((Number) count.getValue()).longValue()).sum() == 0) {
      return "";
    }
    return plan ? String.format("; owners: %,d to invite, %,d to make owner", owners.getLong("planned", 0L),
            owners.getLong("made_owner", 0L))
        : String.format("; owners: %,d invited, %,d already invited, %,d already members, %,d made owner",
            owners.getLong("invited", 0L), owners.getLong("already_invited", 0L), owners.getLong("already_member", 0L),
            owners.getLong("made_owner", 0L));
  }

  /** Objects created, updated and found unchanged; a plan's as what it would do. */
  private static String objectCounts(JsonObject objects, boolean plan) {
    var format = plan ? "%,d to create, %,d to update, %,d unchanged" : "%,d created, %,d updated, %,d unchanged";
    return String.format(format, objects.getLong("created"), objects.getLong("updated"), objects.getLong("unchanged"));
  }
}
