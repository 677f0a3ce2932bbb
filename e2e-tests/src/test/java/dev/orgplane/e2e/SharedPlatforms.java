package dev.orgplane.e2e;

import dev.orgplane.kit.testing.PgFixture;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The platforms the test classes of one JVM share, each started when a class first asks for it and stopped after the
 * last class has run: a platform takes longer to start than most classes take to test it. A class shares one when
 * its tests need nothing of the platform but people, organizations and templates of their own (each named uniquely
 * on it, its mail found by recipient); a class that stops or restarts a service, changes a platform-wide setting or
 * counts what the whole platform holds starts its own. A lifecycle method of a class
 * {@code @ExtendWith(SharedPlatforms.class)} takes them as a parameter.
 */
final class SharedPlatforms implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedPlatforms.class);

  /** The platforms of this JVM, as a test class gets them. */
  static final class Platforms {

    private final ExtensionContext.Store store;

    private Platforms(ExtensionContext.Store store) {
      this.store = store;
    }

    /** As {@link Platform#start()} starts it. */
    Platform defaults() {
      return shared("defaults", Platform::start);
    }

    /** With two engines, as {@link Platform#start(dev.orgplane.kit.db.PgUrl, int)} starts it on a fresh database. */
    Platform withTwoEngines() {
      return shared("two engines", () -> Platform.start(PgFixture.freshDatabase(), 2));
    }

    private Platform shared(String kind, Supplier<Platform> start) {
      return store.getOrComputeIfAbsent(kind, key -> new Stopped(start.get()), Stopped.class).platform();
    }
  }

  /** A platform stopped when the store holding it is closed. */
  private record Stopped(Platform platform) implements ExtensionContext.Store.CloseableResource {

    @Override
    public void close() {
      platform.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Platforms.class;
  }

  /** From the root context's store, closed (stopping the platforms in it) once every class has run. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return new Platforms(context.getRoot().getStore(NAMESPACE));
  }
}
