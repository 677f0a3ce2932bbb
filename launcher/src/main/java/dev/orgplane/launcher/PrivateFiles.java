package dev.orgplane.launcher;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories that only this operating-system user may read: the data directory holds the embedded
 * database's password, its address and its log.
 */
final class PrivateFiles {

  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(FILE);

  private PrivateFiles() {
  }

  /** Creates {@code directory} (and its parents), or takes every other user's access to it away. */
  static void directory(Path directory) throws IOException {
    Files.createDirectories(directory);
    Files.setPosixFilePermissions(directory, DIRECTORY);
  }

  /** Creates an empty file only this user may read, or makes an existing one so. */
  static void restrict(Path file) throws IOException {
    try {
      Files.createFile(file, OWNER_ONLY);
    } catch (FileAlreadyExistsException e) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }

  /** Replaces {@code file} by {@code content} at once (no reader sees half of it), readable by this user only. */
  static void write(Path file, String content) throws IOException {
    var next = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".next", OWNER_ONLY);
    try {
      Files.writeString(next, content);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(next);
      throw e;
    }
  }
}
