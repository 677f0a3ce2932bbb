package dev.orgplane.launcher;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Why a file could not be used, in words an operator acts on. The JDK's exceptions for the commonest reasons (no such
 * file, permission denied) carry no reason, only the path, so their message repeated the path the line named already.
 */
final class FileFailure {

  private FileFailure() {
  }

  /** Why {@code failure} happened to {@code named}, and to which file when that is another (a parent, say). */
  static String why(IOException failure, Path named) {
    var reason = reason(failure);
    if (failure instanceof FileSystemException onFile && onFile.getFile() != null
        && !Path.of(onFile.getFile()).equals(named)) {
      return reason + " (" + onFile.getFile() + ")";
    }
    return reason;
  }

  private static String reason(IOException failure) {
    if (failure instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (failure instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (failure instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (failure instanceof FileAlreadyExistsException) {
      return "a file of that name exists";
    }
    if (failure instanceof FileSystemException onFile && onFile.getReason() != null) {
      return onFile.getReason();
    }
    return failure.getMessage();
  }
}
