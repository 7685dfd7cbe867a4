package org.pghardstorage.it.docs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command's output as a page shows it, matched against what the command really printed. The page
 * shows a real run; values that differ from run to run are named by kind in the block's {@code
 * vary} item, and every value of such a kind in the expected text then matches any value of that
 * shape. Everything else must be equal, character for character (trailing blanks of a line aside).
 * A line that is only {@code ...} stands for any number of lines. The reader's substitutions (the
 * page's {@code replace} items) apply to the expected text too, and what they put in is matched
 * literally.
 */
public final class ExpectedOutput {
  /** The kinds of varying values, in the order they are tried at each position. */
  public static final Map<String, String> KINDS = kinds();

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
  // a terminal shows nothing for these (sudo on a terminal may write a NUL, say)
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");

  private final String expected;
  private final Pattern pattern;

  private ExpectedOutput(String expected, Pattern pattern) {
    this.expected = expected;
    this.pattern = pattern;
  }

  private static Map<String, String> kinds() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("id", "\\d{8}T\\d{6}Z-[a-z0-9]{6}");
    m.put(
        "time",
        "\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?(?:Z|[+-]\\d\\d(?::?\\d\\d)?)?");
    m.put("lsn", "(?<![0-9A-Za-z])[0-9A-F]{1,8}/[0-9A-F]{1,8}(?![0-9A-Za-z])");
    m.put("hex", "(?<![0-9a-z])[0-9a-f]{16,}(?![0-9a-z])");
    // sizes and durations take the blanks before them, which a right-aligned column varies
    m.put("size", " *~?\\d+(?:\\.\\d+)? (?:B|KiB|MiB|GiB|TiB)(?![A-Za-z])");
    m.put("duration", " *\\d+(?:\\.\\d+)? s(?![A-Za-z])");
    m.put("percent", "\\d+(?:\\.\\d+)? ?%");
    // a port after an address, in a conninfo, or in a devstack data directory's name (pg18-PORT)
    m.put("port", "(?<=127\\.0\\.0\\.1:|port=|pg\\d\\d-)\\d+");
    // the random part of a temporary directory's name
    m.put("random", "(?<![0-9])\\d{12,}");
    m.put("number", "\\d+");
    return Collections.unmodifiableMap(m);
  }

  /**
   * Compiles the expected text of an output block.
   *
   * @param expected the block's text
   * @param vary the kinds of values that vary ({@link #KINDS})
   * @param substituted values the reader's substitutions put into the text, matched literally
   */
  public static ExpectedOutput compile(
      String expected, Set<String> vary, List<String> substituted) {
    List<String> lines = new ArrayList<>(List.of(normalize(expected).split("\n", -1)));
    StringBuilder re = new StringBuilder();
    boolean separator = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().equals("...")) {
        re.append(i == 0 ? "(?:[^\\n]*\\n)*?" : "(?:\\n[^\\n]*)*?");
        separator = i != 0;
        continue;
      }
      if (separator) {
        re.append("\\n");
      }
      re.append(lineRegex(line, vary, substituted));
      separator = true;
    }
    return new ExpectedOutput(expected, Pattern.compile(re.toString()));
  }

  private static String lineRegex(String line, Set<String> vary, List<String> substituted) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    outer:
    while (i < line.length()) {
      for (String literal : substituted) {
        if (!literal.isEmpty() && line.startsWith(literal, i)) {
          re.append(Pattern.quote(literal));
          i += literal.length();
          continue outer;
        }
      }
      for (String kind : patterns(vary)) {
        Matcher m = Pattern.compile(kind).matcher(line);
        m.useTransparentBounds(true).useAnchoringBounds(false).region(i, line.length());
        if (m.lookingAt() && m.end() > i) {
          re.append("(?:").append(kind).append(')');
          i = m.end();
          continue outer;
        }
      }
      re.append(Pattern.quote(String.valueOf(line.charAt(i))));
      i++;
    }
    return re.toString();
  }

  /**
   * The regular expressions of {@code vary}: named kinds in {@link #KINDS} order, then {@code
   * /RE/}.
   */
  private static List<String> patterns(Set<String> vary) {
    List<String> out = new ArrayList<>();
    KINDS.forEach(
        (name, re) -> {
          if (vary.contains(name)) {
            out.add(re);
          }
        });
    vary.stream()
        .filter(v -> v.startsWith("/"))
        .sorted()
        .forEach(v -> out.add(v.substring(1, v.length() - 1)));
    return out;
  }

  /**
   * What a reader's terminal shows of {@code raw}: CR LF as LF, a line rewritten after a bare CR as
   * its last version, no colour codes, no trailing blanks, no leading or trailing empty lines.
   */
  public static String normalize(String raw) {
    String text =
        CONTROL.matcher(ANSI.matcher(raw).replaceAll("")).replaceAll("").replace("\r\n", "\n");
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      int cr = line.lastIndexOf('\r');
      out.add((cr >= 0 ? line.substring(cr + 1) : line).stripTrailing());
    }
    while (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return String.join("\n", out);
  }

  /** Whether {@code actual} (normalised here) is all of the expected output. */
  public boolean matchesAll(String actual) {
    return pattern.matcher(normalize(actual)).matches();
  }

  /** Whether {@code actual} (normalised here) has the expected lines as a run of whole lines. */
  public boolean matchesExcerpt(String actual) {
    return Pattern.compile("(?m)^(?:" + pattern.pattern() + ")$").matcher(normalize(actual)).find();
  }

  /**
   * The first expected line (other than {@code ...}) that matches no line of {@code actual}, to
   * point at in a failure message.
   */
  public Optional<String> firstMissingLine(String actual, Set<String> vary, List<String> subst) {
    List<String> got = List.of(normalize(actual).split("\n", -1));
    for (String line : normalize(expected).split("\n", -1)) {
      if (line.strip().equals("...")) {
        continue;
      }
      Pattern p = Pattern.compile(lineRegex(line, vary, subst));
      if (got.stream().noneMatch(g -> p.matcher(g).matches())) {
        return Optional.of(line);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return pattern.pattern();
  }
}
