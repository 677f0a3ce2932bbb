package dev.orgplane.copy.api;

/**
 * Where a plugin reports progress within a page that takes long (the engine already reports each
 * page's counts). Messages reach the job's event stream; they are informational only.
 */
@FunctionalInterface
public interface ProgressSink {

  void report(String message);
}
