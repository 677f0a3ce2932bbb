package dev.orgplane.engine.job;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Which steps of a job may run now. A step is ready when the steps of its plugin's dependencies (those
 * the job has) have succeeded, so independent kinds (roles and members beside workspaces, schemas,
 * queues) copy side by side while every reference still finds its target already copied.
 *
 * <p>Ids inside free-form data may name objects of any kind, not only of a plugin's dependencies: they
 * are remapped once every step ordered before the remapping one has succeeded ({@link #earlierSucceeded}),
 * so which of them a copy remaps does not depend on how the side-by-side steps happened to interleave.
 *
 * <p>"Before" is the order of the plugins installed now, not of the positions the steps were given when the job was
 * queued: a job resumed after an upgrade that made a plugin depend on one positioned after it would otherwise have the
 * later one wait, to remap, for the earlier one, which waits for it to succeed, until the page deadline failed the job
 * {@code page_timeout}. Steps that succeeded stay done; among steps that do not depend on each other the positions
 * still decide.
 */
final class StepSchedule {

  private final List<Job.Step> steps;
  private final Function<String, Set<String>> dependsOn;
  /** Each step's place in the order the installed plugins give, by position. */
  private final Map<Integer, Integer> rank;
  private final Set<String> succeeded = new HashSet<>();
  private final Set<String> started = new HashSet<>();
  private final Map<Integer, Promise<Void>> earlierWaiters = new HashMap<>();

  StepSchedule(List<Job.Step> steps, Function<String, Set<String>> dependsOn) {
    this.steps = steps;
    this.dependsOn = dependsOn;
    this.rank = rank(steps, dependsOn);
    steps.stream().filter(step -> step.status().equals("succeeded")).forEach(step -> succeeded.add(step.plugin()));
  }

  /**
   * The job's steps in the order of their plugins' dependencies as installed now, ties (and steps whose plugin
   * depends on none of the job's others) by position: Kahn's algorithm, the lowest position among the ready first.
   * Positions that already follow the dependencies come out as they are. A cycle is the registry's to refuse (at
   * start); here its lowest position would go first.
   */
  private static Map<Integer, Integer> rank(List<Job.Step> steps, Function<String, Set<String>> dependsOn) {
    var byPlugin = new HashMap<String, Job.Step>();
    steps.forEach(step -> byPlugin.put(step.plugin(), step));
    var remaining = new TreeMap<Integer, Job.Step>();
    steps.forEach(step -> remaining.put(step.position(), step));
    var rank = new HashMap<Integer, Integer>();
    while (!remaining.isEmpty()) {
      var next = remaining.values().stream()
          .filter(step -> dependsOn.apply(step.plugin()).stream().map(byPlugin::get)
              .noneMatch(dependency -> dependency != null && remaining.containsKey(dependency.position())))
          .findFirst().orElse(remaining.firstEntry().getValue());
      remaining.remove(next.position());
      rank.put(next.position(), rank.size());
    }
    return rank;
  }

  /** Completes once every step ordered before the one at {@code position} has succeeded. */
  Future<Void> earlierSucceeded(int position) {
    if (allEarlierSucceeded(position)) {
      return Future.succeededFuture();
    }
    return earlierWaiters.computeIfAbsent(position, p -> Promise.promise()).future();
  }

  private boolean allEarlierSucceeded(int position) {
    var before = rank.get(position);
    return steps.stream().filter(step -> rank.get(step.position()) < before)
        .allMatch(step -> succeeded.contains(step.plugin()));
  }

  /** The steps that may start now and have not started yet; they count as started from here on. */
  List<Job.Step> ready() {
    var inJob = steps.stream().map(Job.Step::plugin).toList();
    var ready = steps.stream()
        .filter(step -> !succeeded.contains(step.plugin()) && !started.contains(step.plugin()))
        .filter(step -> dependsOn.apply(step.plugin()).stream().filter(inJob::contains).allMatch(succeeded::contains))
        .toList();
    ready.forEach(step -> started.add(step.plugin()));
    return ready;
  }

  /**
   * Lets go the waiters {@code plugin}'s success leaves nothing to wait for. They are taken out before any is let go:
   * a waiter's step goes on at once, and may come back here or to {@link #stop} while this one is still at work.
   */
  void succeeded(String plugin) {
    succeeded.add(plugin);
    var ready = new ArrayList<Promise<Void>>();
    earlierWaiters.entrySet().removeIf(waiter -> allEarlierSucceeded(waiter.getKey()) && ready.add(waiter.getValue()));
    ready.forEach(Promise::complete);
  }

  /**
   * The job stops (a step failed, was cancelled or lost its lease): {@code settle} records why, first;
   * then steps waiting to remap give up with {@code cause} instead of waiting for ever. They fail at once,
   * and their failures must not be taken for the reason the job stopped; a step that fails stops the job again, from
   * inside this stop, so the waiters are taken out before any gives up.
   */
  void stop(Runnable settle, Throwable cause) {
    settle.run();
    var waiting = List.copyOf(earlierWaiters.values());
    earlierWaiters.clear();
    waiting.forEach(waiter -> waiter.tryFail(cause));
  }

  boolean finished() {
    return succeeded.size() == steps.size();
  }
}
