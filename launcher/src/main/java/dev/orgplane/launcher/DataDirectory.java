package dev.orgplane.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The data directory of a standalone platform, claimed by this process: made private to this operating-system user
 * (0700) and locked until the process ends. An existing directory is claimed only if it is empty or holds a
 * standalone's files alone ({@link StandaloneFiles}), as initdb takes an empty one only: a shared one (/tmp, a home
 * directory) made private would lock every other user and service out of it. A second standalone on the same
 * directory fails at once, before it touches anything in it: it used to stop the first one's database as if it were
 * left over from a crash, and to take over its Unix sockets. The lock is the kernel's ({@link FileChannel#tryLock}),
 * so it ends with its process however that ends, {@code kill -9} included.
 */
final class DataDirectory implements AutoCloseable {

  static final String LOCK_FILE = "orgplane.lock";

  private final Path path;
  private final FileChannel lock;

  private DataDirectory(Path path, FileChannel lock) {
    this.path = path;
    this.lock = lock;
  }

  static DataDirectory claim(Path directory) {
    var path = directory.toAbsolutePath().normalize();
    FileChannel channel;
    try {
      StandaloneFiles.requireNothingElse(path);
      PrivateFiles.directory(path);
      channel = FileChannel.open(path.resolve(LOCK_FILE),
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PrivateFiles.OWNER_ONLY);
    } catch (IOException e) {
      throw new LauncherException("the data directory " + path + " cannot be made or written (ORGPLANE_DATA_DIR): "
          + FileFailure.why(e, path), e);
    }
    try {
      if (channel.tryLock() != null) {
        return new DataDirectory(path, channel);
      }
    } catch (OverlappingFileLockException e) {
      // held by this JVM already: in use all the same
    } catch (IOException e) {
      closeQuietly(channel);
      throw new LauncherException("cannot lock the data directory " + path + " (ORGPLANE_DATA_DIR): "
          + FileFailure.why(e, path.resolve(LOCK_FILE)), e);
    }
    closeQuietly(channel);
    throw new LauncherException("the data directory " + path + " is in use by another orgplane process "
        + "(ORGPLANE_DATA_DIR): stop that one first, or give this one a directory of its own");
  }

  /**
   * Whether a process holds {@code directory}'s lock: a standalone platform runs on it. Creates nothing; a directory
   * without a lock file was never claimed.
   */
  static boolean inUse(Path directory) {
    var lockFile = directory.toAbsolutePath().normalize().resolve(LOCK_FILE);
    try (var channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      try (var lock = channel.tryLock()) {
        return lock == null;
      } catch (OverlappingFileLockException e) {
        return true;
      }
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new LauncherException("cannot tell whether a platform runs on " + lockFile.getParent()
          + " (ORGPLANE_DATA_DIR): " + FileFailure.why(e, lockFile), e);
    }
  }

  Path path() {
    return path;
  }

  /** Releases the directory to the next process. */
  @Override
  public void close() throws IOException {
    lock.close();
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the claim failed already; that failure is the one to report
    }
  }
}
