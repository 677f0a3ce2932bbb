package dev.orgplane.engine.job;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which steps of a job may run now. A step is ready when the steps of its plugin's dependencies (those
 * the job has) have succeeded, so independent kinds (roles and members beside workspaces, schemas,
 * queues) copy side by side while every reference still finds its target already copied.
 */
final class StepSchedule {

  private final List<Job.Step> steps;
  private final Function<String, Set<String>> dependsOn;
  private final Set<String> succeeded = new HashSet<>();
  private final Set<String> started = new HashSet<>();

  StepSchedule(List<Job.Step> steps, Function<String, Set<String>> dependsOn) {
    this.steps = steps;
    this.dependsOn = dependsOn;
    steps.stream().filter(step -> step.status().equals("succeeded")).forEach(step -> succeeded.add(step.plugin()));
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

  void succeeded(String plugin) {
    succeeded.add(plugin);
  }

  boolean finished() {
    return succeeded.size() == steps.size();
  }
}
