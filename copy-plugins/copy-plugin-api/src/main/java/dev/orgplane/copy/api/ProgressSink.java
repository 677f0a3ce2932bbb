package dev.orgplane.copy.api;

/**
 * Where a plugin reports progress within a page that takes long (the engine already reports each
 * page's counts, in the job's steps and its event stream). Messages go to the engine's log, tagged
 * with the job's id; they are informational only.
 */
@FunctionalInterface
public interface ProgressSink {

  void report(String message);
}
