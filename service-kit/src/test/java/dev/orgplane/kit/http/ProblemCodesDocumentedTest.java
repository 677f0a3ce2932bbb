package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.OpenApiRoutes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The codes the failure handler answers on its own (a database's refusal, a library handler's status, an unknown
 * route) reach every operation without any operation naming them, so only a test reading the handler itself notices
 * one that the API document does not tell clients about.
 */
class ProblemCodesDocumentedTest {

  private static final Path HANDLER = Path.of("src/main/java/dev/orgplane/kit/http/ProblemFailureHandler.java");
  private static final String PROBLEM_OF = "Problem.of(";
  private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Test
  void everyCodeTheFailureHandlerAnswersIsDocumented() throws IOException {
    var codes = codesAnswered(Files.readString(HANDLER));
    assertFalse(codes.isEmpty(), "no Problem.of(status, code, detail) read in " + HANDLER);
    var document = OpenApiRoutes.load().document().encode();
    var undocumented = new TreeSet<String>();
    codes.stream().filter(code -> !document.contains("`" + code + "`")).forEach(undocumented::add);
    assertTrue(undocumented.isEmpty(), OpenApiRoutes.RESOURCE + " names no " + undocumented
        + "; codes any operation may answer belong in info.description");
  }

  @Test
  void codesAreReadFromProblemOfsSecondArgumentOnly() {
    var source = """
        if ("invalid_token".equals(code)) {
          return Problem.of(409, "reference_gone", "Gone (meanwhile), \\"retry\\".");
        }
        return Problem.of(status, status >= 500 ? "internal_error" : "bad_request",
            payload != null ? payload : title(status, "x_y"));
        """;
    assertEquals(Set.of("reference_gone", "internal_error", "bad_request"), codesAnswered(source));
  }

  /** The string literals in the second argument, the code, of each {@code Problem.of(status, code, detail)}. */
  static Set<String> codesAnswered(String source) {
    var codes = new TreeSet<String>();
    for (var at = source.indexOf(PROBLEM_OF); at >= 0; at = source.indexOf(PROBLEM_OF, at + 1)) {
      var arguments = arguments(source, at + PROBLEM_OF.length());
      if (arguments.size() == 3) {
        STRING_LITERAL.matcher(arguments.get(1)).results().forEach(literal -> codes.add(literal.group(1)));
      }
    }
    return codes;
  }

  /** The call's arguments, split at its own commas (not those in nested calls or string literals). */
  private static List<String> arguments(String source, int start) {
    var arguments = new ArrayList<String>();
    var depth = 0;
    var from = start;
    for (var i = start; i < source.length(); i++) {
      var c = source.charAt(i);
      if (c == '"') {
        for (i++; source.charAt(i) != '"'; i++) {
          if (source.charAt(i) == '\\') {
            i++;
          }
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth-- == 0 || c == ',' && depth == 0) {
        arguments.add(source.substring(from, i));
        from = i + 1;
        if (c == ')') {
          return arguments;
        }
      }
    }
    return arguments;
  }
}
