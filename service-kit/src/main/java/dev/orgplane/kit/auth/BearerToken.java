package dev.orgplane.kit.auth;

/**
 * The token of an {@code Authorization: Bearer} header, found in the header rather than copied out of it:
 * every hop verifies every request's token, and a known one is only hashed ({@link TokenVerifier}), so the
 * copy (the size of the token, most of a read's request) is made only for a token seen the first time.
 */
public record BearerToken(String header, int start, int end) {

  private static final String SCHEME = "Bearer ";

  /** The token of {@code authorization}, or null for no header, another scheme or no token. */
  public static BearerToken in(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    int start = SCHEME.length();
    int end = authorization.length();
    // the blanks String.trim() would drop
    while (start < end && authorization.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && authorization.charAt(end - 1) <= ' ') {
      end--;
    }
    return start == end ? null : new BearerToken(authorization, start, end);
  }

  /** A token on its own (not in a header). */
  public static BearerToken of(String token) {
    return new BearerToken(token, 0, token.length());
  }

  public int length() {
    return end - start;
  }

  public char charAt(int index) {
    return header.charAt(start + index);
  }

  public String value() {
    return header.substring(start, end);
  }
}
