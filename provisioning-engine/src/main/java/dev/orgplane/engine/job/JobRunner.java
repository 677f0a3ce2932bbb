package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.orgapi.JobScopedOrgApi;
import dev.orgplane.engine.orgapi.KeptPages;
import dev.orgplane.engine.orgapi.OrgApiClient;
import dev.orgplane.engine.orgapi.RequesterRights;
import dev.orgplane.engine.orgapi.ServiceToken;
import dev.orgplane.engine.orgapi.WithheldMembers;
import dev.orgplane.engine.plugin.PluginRegistry;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.Draining;
import dev.orgplane.kit.http.PageRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on this engine instance: claims queued (or abandoned) jobs while it has free slots,
 * holds each under a lease renewed by a heartbeat and by every checkpoint, and runs its plugins
 * page by page from their last checkpoints. A job whose lease this instance lost (it stalled and
 * another instance took over) is dropped at its next page without writing anything more.
 */
public final class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /**
   * How a run of a job ended on this instance; {@code LEASE_LOST} records no end: the job was taken over, or is handed
   * back by this stopping engine; {@code SIGN_IN_REFUSED} hands the job back to the queue: org-service refused this
   * engine's own credentials ({@link ServiceToken.SignInRefused}), no fault of the job's, which another engine, or
   * this one once signed in again, resumes.
   */
  private enum Outcome { SUCCEEDED, CANCELLED, LEASE_LOST, SIGN_IN_REFUSED }

  /** A run's outcome, and for a job that succeeded with an owner to invite, what inviting them came to. */
  private record Ended(Outcome outcome, String ownerInvitation) {
  }

  /**
   * A run of a job here: its lease, its halt flag, whether the heartbeat found its cancel asked for (a run halted so
   * ends cancelled), and its end (recorded, or given up).
   */
  private record Run(Lease lease, boolean[] halt, boolean[] cancelled, Promise<Void> ended) {
  }

  /**
   * A run's steps under way, and its outcome, told once none is. The first step that ends otherwise than succeeded
   * says why the run stops, and halts the others at their next page; the run ends once the pages they have in flight
   * are written or have failed, for its end frees the target for the next job ({@link JobRepository#finish}). Until
   * session 30 it ended at once, and a sibling's page still wrote into a target another job had begun to copy into.
   */
  private static final class StepsUnderWay {
    final Promise<Outcome> outcome = Promise.promise();
    private int count;
    private AsyncResult<Outcome> why;

    void started() {
      count++;
    }

    /** The run stops for {@code ended}, unless an earlier step stopped it. */
    void stopsFor(AsyncResult<Outcome> ended) {
      if (why == null) {
        why = ended;
      }
    }

    void ended() {
      if (--count > 0 || why == null) {
        return;
      }
      if (why.succeeded()) {
        outcome.tryComplete(why.result());
      } else {
        outcome.tryFail(why.cause());
      }
    }
  }

  /** A run that failed in one step: the step's position and what went wrong. */
  private static final class StepFailure extends RuntimeException {
    final int position;
    final String plugin;

    StepFailure(int position, String plugin, Throwable cause) {
      super(cause);
      this.position = position;
      this.plugin = plugin;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final PluginRegistry registry;
  private final WebClient http;
  private final ServiceToken token;
  private final String orgServiceUrl;
  private final RunnerSettings settings;
  private final KeptPages templatePages;
  private final EndReports endReports;
  private final Retries retries;
  private final PageDeadline pageDeadline;
  private final String owner = "engine-" + UUID.randomUUID();
  /** Jobs running here, each with its halt flag: stop at the next page (lease lost, engine stopping, a step failed). */
  private final Map<UUID, Run> running = new HashMap<>();
  /** The claim on its way, if any: a stop hands back what it takes. */
  private Future<JobRepository.Claim> claiming;
  private boolean stopped;
  private long pollTimer = -1;
  private long heartbeatTimer = -1;

  /**
   * Slots, lease, polling and page size of a runner, how long and how much of templates it keeps, how long a plugin's
   * page may take ({@link PageDeadline}) and how long a stop waits for the pages in flight.
   */
  public record RunnerSettings(int slots, long leaseMillis, long pollMillis, int pageSize, int copyPageSize,
      long templateCacheMillis, int templateCacheObjects, long pageTimeoutMillis, long stopMillis, int retryAttempts) {

    /** org-service's largest page of a copy it makes itself ({@code POST ...:copy}). */
    static final int MAX_COPY_PAGE_SIZE = 5000;
    /** A lease this short still sees three heartbeats (every third of it, at most every 100 ms) before it lapses. */
    static final long SHORTEST_LEASE_MILLIS = 1_000;
    /** A day: the longest lease, template keeping or wait that makes sense, far from overflowing a deadline. */
    static final long A_DAY_MILLIS = 86_400_000;
    /** Tries of work failing for a passing reason: 1,000 wait 5 s apart, well over an hour, enough for any outage. */
    static final int MOST_RETRY_ATTEMPTS = 1_000;

    /**
     * The runner's settings, each in its range, else the start stops naming it. Pages larger than org-service gives
     * failed every job's first page with 400 {@code invalid_limit}, and the job with it; no workers (0) leave jobs to
     * other engines; a template kept 0 ms or 0 objects is read again by every job; a page without a deadline (0)
     * could hold its job for ever. A stop waits for the pages in flight as long as the engine's notice and grace,
     * which its launcher waits for, and no longer.
     */
    public static RunnerSettings from(Settings settings) {
      return new RunnerSettings(settings.integer("ORGPLANE_ENGINE_WORKERS", 0, Integer.MAX_VALUE),
          settings.longValue("ORGPLANE_ENGINE_LEASE_MILLIS", SHORTEST_LEASE_MILLIS, A_DAY_MILLIS),
          settings.periodMillis("ORGPLANE_ENGINE_POLL_MILLIS"),
          settings.integer("ORGPLANE_ENGINE_PAGE_SIZE", 1, PageRequest.MAX_LIMIT),
          settings.integer("ORGPLANE_ENGINE_COPY_PAGE_SIZE", 1, MAX_COPY_PAGE_SIZE),
          settings.longValue("ORGPLANE_ENGINE_TEMPLATE_CACHE_MILLIS", 0, A_DAY_MILLIS),
          settings.integer("ORGPLANE_ENGINE_TEMPLATE_CACHE_OBJECTS", 0, Integer.MAX_VALUE),
          settings.longValue("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS", 1, A_DAY_MILLIS / 1000) * 1000,
          Math.min(Draining.longestSeconds(settings), A_DAY_MILLIS / 1000) * 1000,
          settings.integer("ORGPLANE_ENGINE_RETRY_ATTEMPTS", 1, MOST_RETRY_ATTEMPTS));
    }
  }

  public JobRunner(Vertx vertx, Pool pool, PluginRegistry registry, WebClient http, ServiceToken token,
      String orgServiceUrl, RunnerSettings settings, EndReports endReports) {
    this.vertx = vertx;
    this.pool = pool;
    this.registry = registry;
    this.http = http;
    this.token = token;
    this.orgServiceUrl = orgServiceUrl;
    this.settings = settings;
    this.templatePages = new KeptPages(settings.templateCacheMillis(), settings.templateCacheObjects());
    this.endReports = endReports;
    this.retries = new Retries(vertx, settings.retryAttempts());
    this.pageDeadline = new PageDeadline(vertx, settings.pageTimeoutMillis());
  }

  public void start() {
    pollTimer = vertx.setPeriodic(settings.pollMillis(), id -> wake());
    heartbeatTimer = vertx.setPeriodic(Math.max(100, settings.leaseMillis() / 3), id -> heartbeat());
    wake();
  }

  /**
   * Looks for work now, e.g. right after jobs were queued. With no slot free, or none at all (no workers), it claims
   * nothing, but still ends the abandoned jobs whose cancel was asked for: else, while every engine is busy or has no
   * workers, they would stay running or queued until an engine with a slot free polls, and their end reports with them.
   * So too while it cannot sign in at org-service ({@link ServiceToken}, which logs why): until session 44 an engine
   * refused its secret claimed jobs all the same and failed each within milliseconds, a whole batch beside good
   * engines.
   */
  public void wake() {
    if (claiming != null || stopped) {
      return;
    }
    var looked = running.size() < settings.slots()
        // stopped while the token was asked for: a claim now would only be handed back
        ? token.get().transform(signedIn -> signedIn.succeeded() && !stopped
            ? JobRepository.claim(pool, owner, settings.leaseMillis()) : JobRepository.endAbandonedCancels(pool))
        : JobRepository.endAbandonedCancels(pool);
    claiming = looked;
    looked.onComplete(claimed -> {
      claiming = null;
      if (claimed.failed()) {
        LOG.warn("claiming a job failed: {}", claimed.cause().toString());
        return;
      }
      var claim = claimed.result();
      if (!claim.cancelled().isEmpty()) {
        LOG.info("jobs {} cancelled before an engine ran them again", claim.cancelled());
        endReports.wake();
      }
      // a job claimed for an engine that stopped meanwhile is not run: the stop hands it back
      if (claim.job().isPresent() && !stopped) {
        run(claim.job().get());
        wake();
      }
    });
  }

  /**
   * Stops claiming and hands this instance's jobs back to the queue for another instance; one whose cancel was
   * asked for ends at the next poll of whichever instance, before it would have run again. A claim on its way hands
   * back the job it takes once it is answered: until session 29 that job was run by the stopping engine, then left
   * running under a lease no one renewed, which no other engine could take before it ran out. The pages in flight are
   * waited for as long as the engine's notice and grace ({@link RunnerSettings#stopMillis}), then their jobs go back
   * all the same: a plugin's page that never answered held the stop for ever.
   */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(pollTimer);
    running.values().forEach(run -> run.halt()[0] = true);
    var lateClaim = claiming == null ? Future.<Void>succeededFuture() : claiming.transform(claimed ->
        claimed.succeeded() && claimed.result().job().isPresent() ? JobRepository.handBack(pool, owner)
            : Future.<Void>succeededFuture());
    // a job goes back once the pages it has in flight are written or have failed, under a lease the heartbeat renews
    // meanwhile: until session 30 it went back at once, and another engine's run of it met those pages still writing
    var runs = running.values().stream().map(run -> run.ended().future()).toList();
    var waited = Promise.<Void>promise();
    // Vert.x refuses a timer under 1 ms, and no notice and no grace (0) are a stop's to choose
    var deadline = vertx.setTimer(Math.max(1, settings.stopMillis()), fired -> {
      LOG.warn("pages still in flight after {} ms of stopping: their jobs go back all the same", settings.stopMillis());
      waited.tryComplete();
    });
    Future.join(runs).onComplete(settled -> {
      vertx.cancelTimer(deadline);
      waited.tryComplete();
    });
    return waited.future().transform(settled -> {
      vertx.cancelTimer(heartbeatTimer);
      return Future.join(JobRepository.handBack(pool, owner), lateClaim).mapEmpty();
    });
  }

  private void run(Job job) {
    var halt = new boolean[1];
    var run = new Run(Lease.of(job, owner), halt, new boolean[1], Promise.promise());
    // a run replaced by a later claim of the same job (a retry) leaves the later one's entry alone when it ends
    running.put(job.id(), run);
    LOG.info("job {} claimed (attempt {})", job.id(), job.attempts());
    execute(job, halt)
        .recover(failure -> failure instanceof TargetOrganization.LeaseLost || failure instanceof Retries.Halted
            ? Future.succeededFuture(new Ended(Outcome.LEASE_LOST, null))
            : signInRefused(failure) ? Future.succeededFuture(new Ended(Outcome.SIGN_IN_REFUSED, null))
            : Future.failedFuture(failure))
        .compose(ended -> switch (ended.outcome()) {
          case SUCCEEDED -> end(job, "succeeded", null, null, ended.ownerInvitation());
          case CANCELLED -> end(job, "cancelled", null, null, null);
          // halted by its cancel (the heartbeat found it asked for) before a checkpoint could tell
          case LEASE_LOST -> run.cancelled()[0] ? end(job, "cancelled", null, null, null)
              : Future.<Void>succeededFuture();
          case SIGN_IN_REFUSED -> handBack(job);
        }, failure -> fail(job, failure))
        .onComplete(done -> {
          running.remove(job.id(), run);
          if (done.failed()) {
            LOG.warn("job {} could not record its end: {}", job.id(), done.cause().toString());
          }
          run.ended().complete();
          wake();
        });
  }

  private static boolean signInRefused(Throwable failure) {
    var cause = failure instanceof StepFailure ? failure.getCause() : failure;
    return cause instanceof ServiceToken.SignInRefused;
  }

  /** A job whose run met this engine's sign-in refused, back in the queue; a cancel asked for ends it at a claim. */
  private Future<Void> handBack(Job job) {
    LOG.info("job {} handed back to the queue: org-service refuses this engine's sign-in", job.id());
    return JobRepository.handBack(pool, Lease.of(job, owner));
  }

  private Future<Void> fail(Job job, Throwable failure) {
    var position = failure instanceof StepFailure step ? Integer.valueOf(step.position) : null;
    var cause = failure instanceof StepFailure ? failure.getCause() : failure;
    var error = new JsonObject().put("code", cause instanceof CopyFailure copy ? copy.code() : "copy_error")
        .put("detail", cause.getMessage() == null ? cause.toString() : cause.getMessage())
        .put("plugin", failure instanceof StepFailure step ? step.plugin : null)
        .put("object", cause instanceof CopyFailure copy ? copy.objectId() : null);
    if (cause instanceof CopyFailure copy && !copy.errors().isEmpty()) {
      error.put("errors", copy.errors());
    }
    LOG.warn("job {} failed: {}", job.id(), error.encode());
    return end(job, "failed", error, position, null);
  }

  /** Records the end, and its report for the organizations' hooks, then has the report sent. */
  private Future<Void> end(Job job, String status, JsonObject error, Integer failedPosition,
      String ownerInvitation) {
    return JobRepository.finish(pool, Lease.of(job, owner), status, error, failedPosition, ownerInvitation)
        .onSuccess(ended -> endReports.wake());
  }

  private Future<Ended> execute(Job job, boolean[] halt) {
    var api = new OrgApiClient(http, orgServiceUrl, token, job.id().toString()).requestedBy(job.queuedBy())
        .copying(job.templateOrg().toString())
        .keepingPagesOf(job.templateOrg().toString(), templatePages.reader(readingsSharedBy(job)));
    var target = new TargetOrganization(pool, api, owner);
    // queued, the job may have waited past its requester's rights; a run acts with the engine's, so they are asked
    // first, before it creates or writes anything (a resumed run too: they may have gone while it was away)
    var ensured = retries.unlessHalted("the requester's rights", () -> RequesterRights.require(api,
            job.templateOrg().toString(), job.queuedBy(), job.options()), () -> halt[0])
        .compose(held -> retries.unlessHalted("the target organization", () -> target.ensure(job), () -> halt[0]));
    return ensured.compose(targetOrg -> retries.unlessHalted("the members withheld", () -> WithheldMembers.of(api,
            targetOrg == null ? null : targetOrg.toString(), job.queuedBy().toString()), () -> halt[0])
        .compose(withheld -> copy(job, api, targetOrg, withheld, halt)));
  }

  /**
   * Runs the job's steps into {@code targetOrg}, {@code withheld} the members org-service makes none there
   * ({@link WithheldMembers}), and invites its owner once they succeed.
   */
  private Future<Ended> copy(Job job, OrgApiClient api, UUID targetOrg, Set<String> withheld, boolean[] halt) {
    var ids = new CopiedObjects(pool, api, job.templateOrg(), targetOrg, job.id());
    // a plan compares each page of the template with the whole target, which it does not change: read it once
    var pages = job.dryRun() && targetOrg != null ? api.keepingPagesOf(targetOrg.toString(),
        new KeptPages(settings.templateCacheMillis(), settings.templateCacheObjects()).reader()) : api;
    var source = job.templateOrg().toString();
    var targetId = targetOrg == null ? null : targetOrg.toString();
    // plugins reach the template and the target only, and write nothing in a dry run
    var scoped = job.dryRun() ? JobScopedOrgApi.reading(pages, source, targetId)
        : JobScopedOrgApi.copying(pages, source, targetId, job.options());
    Function<String, OrgApi> pageWrites = job.dryRun() ? page -> scoped
        : page -> JobScopedOrgApi.copying(pages.forPage(page), source, targetId, job.options());
    var running = job.steps().stream().map(Job.Step::plugin).collect(Collectors.toSet());
    var context = new EngineCopyContext(job.id().toString(), source, targetId, running, ids, scoped, http, vertx,
        job.options(), settings.pageSize(), settings.copyPageSize(),
        message -> LOG.info("job {}: {}", job.id(), message), withheld);
    return steps(job, context, pageWrites, ids, halt).compose(outcome -> outcome == Outcome.SUCCEEDED
        ? inviteOwner(job, api, targetOrg, withheld, halt) : Future.succeededFuture(new Ended(outcome, null)));
  }

  /**
   * Whose readings of the template a run shares (see {@link KeptPages}): the runs of its batch (a batch queued after
   * the template changed reads it anew) queued by the same request or retry. Until session 33 a retry took the pages
   * its batch's earlier runs had read: retried within {@code ORGPLANE_ENGINE_TEMPLATE_CACHE_MILLIS} after the template
   * was fixed, it copied the template as it was before.
   */
  private static String readingsSharedBy(Job job) {
    var queued = job.batchId() == null ? job.id().toString() : job.batchId().toString();
    return job.retriedAt() == null ? queued : queued + " retried " + job.retriedAt().toInstant();
  }

  /**
   * The last thing a job does, once the template is copied: invite the owner it names ({@link OwnerInvitation}).
   * Not once the run has lost its job: the run that took it over invites. Nor once a cancel was asked for since the
   * last checkpoint, asked as a checkpoint asks: the invitation mails someone, which a cancelled job must not do.
   * A cancel that comes while the invitation is on its way still ends the job cancelled ({@link JobRepository#finish}).
   * {@code withheld} tells a dry run whether the job's requester, named owner, would be refused ownership.
   */
  private Future<Ended> inviteOwner(Job job, OrgApiClient api, UUID targetOrg, Set<String> withheld,
      boolean[] halt) {
    if (job.ownerEmail() == null) {
      return Future.succeededFuture(new Ended(Outcome.SUCCEEDED, null));
    }
    if (halt[0]) {
      return Future.succeededFuture(new Ended(Outcome.LEASE_LOST, null));
    }
    var invitation = new OwnerInvitation(api, withheld);
    return retries.of("a checkpoint", () -> JobRepository.hold(pool, Lease.of(job, owner), settings.leaseMillis()))
        .compose(cancel -> {
          if (cancel.isEmpty()) {
            return Future.succeededFuture(new Ended(Outcome.LEASE_LOST, null));
          }
          if (cancel.get()) {
            return Future.succeededFuture(new Ended(Outcome.CANCELLED, null));
          }
          return retries.unlessHalted("the owner's invitation", () -> invitation.settle(job, targetOrg), () -> halt[0])
              .map(outcome -> new Ended(Outcome.SUCCEEDED, outcome));
        });
  }

  /** Runs the job's steps, each as soon as its dependencies have succeeded. */
  private Future<Outcome> steps(Job job, EngineCopyContext context, Function<String, OrgApi> pageWrites,
      CopiedObjects ids, boolean[] halt) {
    var schedule = new StepSchedule(job.steps(),
        plugin -> registry.find(plugin).map(CopyPlugin::dependsOn).orElse(Set.of()));
    var underWay = new StepsUnderWay();
    launch(job, context, pageWrites, ids, halt, schedule, underWay);
    return underWay.outcome.future();
  }

  private void launch(Job job, EngineCopyContext context, Function<String, OrgApi> pageWrites, CopiedObjects ids,
      boolean[] halt, StepSchedule schedule, StepsUnderWay underWay) {
    if (schedule.finished()) {
      underWay.outcome.tryComplete(Outcome.SUCCEEDED);
      return;
    }
    for (var step : schedule.ready()) {
      var stepContext = context.withIds(new StepIds(ids, schedule.earlierSucceeded(step.position())));
      underWay.started();
      // a step that throws instead of failing its future fails like one that failed it: thrown out of here, from
      // a sibling's end, it would leave the job running for ever, or, from the first steps, end the job while a
      // sibling already started still writes
      Future.<Void>succeededFuture().compose(v -> step(job, stepContext, pageWrites, ids, halt, step))
          .onComplete(ended -> {
            if (ended.succeeded() && ended.result() == Outcome.SUCCEEDED) {
              schedule.succeeded(step.plugin());
              launch(job, context, pageWrites, ids, halt, schedule, underWay);
            } else {
              // a failed, cancelled or lost step stops its siblings at their next page; its outcome is the job's
              halt[0] = true;
              schedule.stop(() -> underWay.stopsFor(ended),
                  ended.failed() ? ended.cause() : new IllegalStateException("the job stopped: " + ended.result()));
            }
            underWay.ended();
          });
    }
  }

  private Future<Outcome> step(Job job, EngineCopyContext context, Function<String, OrgApi> pageWrites,
      CopiedObjects ids, boolean[] halt, Job.Step step) {
    var from = new Checkpoint(step.cursor(), new Counts(step.created(), step.updated(), step.unchanged()));
    return registry.find(step.plugin())
        .map(plugin -> pages(job, context, pageWrites, ids, halt, plugin, step.position(), from))
        .orElseGet(() -> Future.failedFuture(new CopyFailure("plugin_missing",
            "This engine has no copy plugin " + step.plugin() + ".", null)))
        .recover(failure -> failure instanceof Retries.Halted ? Future.succeededFuture(Outcome.LEASE_LOST)
            : Future.failedFuture(new StepFailure(step.position(), step.plugin(), failure)));
  }

  /**
   * The page of step {@code position} that starts at {@code from}, as its writes are named
   * ({@link OrgApiClient#forPage}): the same for every try of it, in this run or one that resumes the job, so that each
   * gets the answer of the write that landed; another after a retry of the job, which copies anew.
   */
  private static String pageName(Job job, int position, Checkpoint from) {
    return new JsonObject().put("job", job.id().toString())
        .put("retried", job.retriedAt() == null ? null : job.retriedAt().toInstant().toString())
        .put("step", position).put("after", from.cursor()).encode();
  }

  private Future<Outcome> pages(Job job, EngineCopyContext context, Function<String, OrgApi> pageWrites,
      CopiedObjects ids, boolean[] halt, CopyPlugin plugin, int position, Checkpoint from) {
    if (halt[0]) {
      return Future.succeededFuture(Outcome.LEASE_LOST);
    }
    var pageContext = context.withOrg(pageWrites.apply(pageName(job, position, from)));
    Supplier<Future<PageResult>> page = () -> pageDeadline.of(plugin.id(),
        job.dryRun() ? plugin.plan(pageContext, from) : plugin.copy(pageContext, from));
    var started = System.nanoTime();
    // a page past its deadline in a run that stops meanwhile is given up as a passing failure then is: no failure of
    // the job, which ends as its stop says (cancelled, handed back, failed by a sibling)
    var answered = retries.unlessHalted("a page", page, () -> halt[0]).recover(failure ->
        failure instanceof PageDeadline.Missed && halt[0] ? Future.failedFuture(new Retries.Halted("a page"))
            : Future.failedFuture(failure));
    return answered.compose(done -> {
      LOG.info("job {} {} page: {} objects in {} ms", job.id(), plugin.id(), done.counts().total(),
          (System.nanoTime() - started) / 1_000_000);
      var copies = job.dryRun() ? CopiedObjects.NewCopies.NONE : ids.made(done.sourceIds());
      // sent again on a passing failure: the database gone for a moment fails a checkpoint, not the job; so also while
      // the run stops, as the page it records is written (and the hand-back needs that database too)
      return retries.of("a checkpoint", () -> JobRepository.checkpoint(pool, Lease.of(job, owner),
              settings.leaseMillis(), position, from.cursor(), done, copies))
          .compose(cancel -> {
            if (cancel.isEmpty()) {
              return Future.succeededFuture(Outcome.LEASE_LOST);
            }
            if (cancel.get()) {
              return Future.succeededFuture(Outcome.CANCELLED);
            }
            return done.last() ? Future.succeededFuture(Outcome.SUCCEEDED)
                : pages(job, context, pageWrites, ids, halt, plugin, position, from.after(done));
          });
    });
  }

  private void heartbeat() {
    if (running.isEmpty()) {
      return;
    }
    var runs = List.copyOf(running.values());
    // a cancel halts its run here, not only at its next checkpoint: work without one (a page tried again after a
    // wait, the target's or the owner's lookups) stops within a heartbeat
    JobRepository.heartbeat(pool, owner, runs.stream().map(Run::lease).toList(), settings.leaseMillis())
        .onSuccess(held -> runs.forEach(run -> {
          var cancelAsked = held.get(run.lease().jobId());
          if (cancelAsked == null || cancelAsked) {
            run.halt()[0] = true;
            run.cancelled()[0] = cancelAsked != null;
          }
        }))
        .onFailure(e -> LOG.warn("lease heartbeat failed: {}", e.toString()));
  }
}
