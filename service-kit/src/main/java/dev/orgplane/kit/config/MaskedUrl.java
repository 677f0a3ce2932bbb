package dev.orgplane.kit.config;

/**
 * A URL as given, fit to be shown in an error: a start's or a command's one line may end up in any log (a CI's, a
 * container's), so the password its user info may hold is masked. The one way every database or service URL an
 * operator gave is echoed.
 */
public final class MaskedUrl {

  private MaskedUrl() {
  }

  /**
   * {@code url} as given, but for what stands between its user's name and its host: a password, when there is one.
   * Masked whether or not the rest reads as a URL ({@code user:password@host} has no scheme; a password with a
   * character a URL may not carry as it is, or an {@code @}, is masked whole).
   */
  public static String of(String url) {
    int at = url.lastIndexOf('@');
    int authority = url.indexOf("//");
    int colon = url.indexOf(':', authority >= 0 && authority < at ? authority + 2 : 0);
    return colon < 0 || colon > at ? url : url.substring(0, colon + 1) + "***" + url.substring(at);
  }
}
