package dev.bootfleet.core.manifest;

import dev.bootfleet.core.text.Quote;
import java.util.Optional;

/**
 * The names a manifest gives Flatpak and RPM: flatpak's own rules ({@code flatpak_is_valid_name},
 * {@code _branch}, {@code _arch}, remote names in {@code common/flatpak-ref-utils.c}), so that what
 * validates here is what {@code flatpak install} accepts. The JSON Schemas carry the same rules as
 * patterns ({@code schema/common.schema.json}); {@code FlatpakNamesTest} holds the two together.
 */
final class FlatpakNames {
  static final String ID_FORM = "a Flatpak application ID: 3 or more elements separated by '.', each of"
      + " letters, digits and '_', not starting with a digit, '-' allowed in the last element only, at most"
      + " 255 characters (e.g. org.mozilla.firefox)";
  static final String BRANCH_FORM = "a Flatpak branch: letters, digits, '_', '-' and '.', not starting"
      + " with '.' (e.g. stable)";
  static final String ARCH_FORM = "a Flatpak architecture: letters, digits and '_' (e.g. x86_64)";
  static final String REMOTE_FORM = "a Flatpak remote name: letters, digits, '_', '-' and '.', starting"
      + " with a letter, digit or '_' (e.g. flathub)";
  static final String COMMIT_FORM = "a commit: 64 lower-case hex digits";
  static final String URL_FORM = "an https://, http:// or file:// URL without spaces";
  static final String PACKAGE_FORM = "an RPM package name: letters, digits, '_', '.', '+' and '-',"
      + " not starting with '-'";
  static final String REF_FORM = "app/ID/ARCH/BRANCH such as app/org.mozilla.firefox/x86_64/stable;"
      + " an empty ARCH means the host's own";

  private FlatpakNames() {}

  private static boolean letter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** {@code flatpak_is_valid_name}: 3+ elements, '-' only in the last, at most 255 characters. */
  static boolean isAppId(String s) {
    if (s == null || s.isEmpty() || s.length() > 255) {
      return false;
    }
    int lastDot = s.lastIndexOf('.');
    int dots = 0;
    boolean start = true; // at the first character of an element
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean last = lastDot >= 0 && i > lastDot;
      if (c == '.') {
        if (start) {
          return false; // an empty element
        }
        dots++;
        start = true;
        continue;
      }
      boolean ok = letter(c) || c == '_' || last && c == '-' || !start && digit(c);
      if (!ok) {
        return false;
      }
      start = false;
    }
    return !start && dots >= 2;
  }

  /** {@code flatpak_is_valid_branch}: {@code [A-Za-z0-9_-][A-Za-z0-9_.-]*}. */
  static boolean isBranch(String s) {
    if (s == null || s.isEmpty() || s.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(letter(c) || digit(c) || c == '_' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** {@code flatpak_is_valid_arch}: {@code [A-Za-z0-9_]+}. */
  static boolean isArch(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(letter(c) || digit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** flatpak's remote names: {@code [A-Za-z0-9_][A-Za-z0-9_.-]*}. */
  static boolean isRemoteName(String s) {
    if (s == null || s.isEmpty() || s.charAt(0) == '-' || s.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(letter(c) || digit(c) || c == '_' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** An ostree commit: 64 lower-case hex digits. */
  static boolean isCommit(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!(digit(c) || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** An RPM name as bootfleet accepts it: {@code [A-Za-z0-9_.+][A-Za-z0-9_.+-]*}. */
  static boolean isPackage(String s) {
    if (s == null || s.isEmpty() || s.charAt(0) == '-') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(letter(c) || digit(c) || c == '_' || c == '.' || c == '+' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * A remote URL of printable ASCII without spaces after {@code https://}, {@code http://} or {@code
   * file://}: a strict subset of the schema's {@code ^(https?|file)://\S+$} (URLs with other characters
   * take the validator's path, and are still accepted there).
   */
  static boolean isPlainUrl(String s) {
    if (s == null) {
      return false;
    }
    int rest = s.startsWith("https://") ? 8 : s.startsWith("http://") ? 7 : s.startsWith("file://") ? 7 : -1;
    if (rest < 0 || rest == s.length()) {
      return false;
    }
    for (int i = rest; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** A full app ref split into its parts ({@code arch} null when empty: the host's own). */
  record Ref(String id, String arch, String branch) {}

  /**
   * Splits {@code app/ID/ARCH/BRANCH}; the message says what is wrong, with the bad value and the form
   * expected.
   */
  static Ref parseRef(String ref) throws IllegalArgumentException {
    String[] p = ref.split("/", -1);
    if (p.length == 4 && p[0].equals("runtime")) {
      throw new IllegalArgumentException(Quote.of(ref) + " is a runtime ref; bootfleet installs apps, and"
          + " flatpak installs the runtimes they need (expected " + REF_FORM + ")");
    }
    if (p.length != 4 || !p[0].equals("app")) {
      throw new IllegalArgumentException(Quote.of(ref) + " is not a Flatpak app ref (expected " + REF_FORM + ")");
    }
    if (!isAppId(p[1])) {
      throw new IllegalArgumentException(Quote.of(ref) + " names " + Quote.of(p[1]) + ", which is not " + ID_FORM);
    }
    if (!p[2].isEmpty() && !isArch(p[2])) {
      throw new IllegalArgumentException(Quote.of(ref) + " names the architecture " + Quote.of(p[2])
          + ", which is not " + ARCH_FORM);
    }
    if (!isBranch(p[3])) {
      throw new IllegalArgumentException(Quote.of(ref) + " names the branch " + Quote.of(p[3]) + ", which is not "
          + BRANCH_FORM);
    }
    return new Ref(p[1], p[2].isEmpty() ? null : p[2], p[3]);
  }

  /** Why {@code ref} is not an app ref, or empty when it is one. */
  static Optional<String> refProblem(String ref) {
    try {
      parseRef(ref);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }
}
