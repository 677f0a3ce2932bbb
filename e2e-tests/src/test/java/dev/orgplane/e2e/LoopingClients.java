package dev.orgplane.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Clients that each repeat a round of requests on a thread of their own until {@linkplain #stop stopped}. A request
 * that times out or whose connection breaks throws ({@link Gateway} turns either into an exception), and an exception
 * thrown on a thread of its own reaches no test: the client died unseen, and a test counting the failures its
 * clients saw passed with every client dead. Here it ends that client and {@link #stop} fails with it.
 */
final class LoopingClients {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<CompletableFuture<Void>> clients = new ArrayList<>();

  private LoopingClients() {
  }

  /** {@code count} clients, each running {@code round} again and again. */
  static LoopingClients start(int count, Runnable round) {
    return start(count, client -> round);
  }

  /** {@code count} clients, the i-th running {@code roundOfClient.apply(i)} again and again. */
  static LoopingClients start(int count, IntFunction<Runnable> roundOfClient) {
    var started = new LoopingClients();
    for (int i = 0; i < count; i++) {
      var name = "client-" + i;
      started.clients.add(CompletableFuture.runAsync(started.loop(roundOfClient.apply(i)),
          task -> new Thread(task, name).start()));
    }
    return started;
  }

  private Runnable loop(Runnable round) {
    return () -> {
      while (running.get()) {
        round.run();
      }
    };
  }

  /** Stops the clients after their round and waits for them: fails unless each of them ran until now. */
  void stop() {
    running.set(false);
    var died = new ArrayList<Throwable>();
    for (var client : clients) {
      try {
        client.join();
      } catch (CompletionException e) {
        died.add(e.getCause());
      }
    }
    if (!died.isEmpty()) {
      var failure = new AssertionError(died.size() + " of " + clients.size() + " clients died before the end, the "
          + "first of: " + died.get(0), died.get(0));
      died.stream().skip(1).forEach(failure::addSuppressed);
      throw failure;
    }
  }
}
