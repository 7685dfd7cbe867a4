package org.pghardstorage.it.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What an HTML comment {@code <!-- test: ... -->} just before a fenced block (or {@code <!-- test
 * page: ... -->} before a page's first block) tells the docs test. Items are separated by {@code
 * ;}; values contain no {@code ;}. The items, as a reader sees them in the Markdown source:
 *
 * <ul>
 *   <li>{@code not run: REASON}: the block is illustrative, or needs what the test machine cannot
 *       have; the reason is listed in the test's output.
 *   <li>{@code replace A => B}: the substitution a reader makes (a path, a port, a host, an OS
 *       user); {@code B} may name the test's values as {@code {root}}, {@code {port}}, ...
 *   <li>{@code env NAME=VALUE}: a variable the reader's shell has from then on ({@code PGPASSWORD}
 *       as the page told the reader to set it, say).
 *   <li>{@code exit N}: the status the page says the command ends with (default 0).
 *   <li>{@code output} or {@code output excerpt}: this block shows what the command block above it
 *       prints (all of it, or a run of whole lines of it); {@code vary KIND ...} names the kinds of
 *       values that differ from run to run ({@link ExpectedOutput}), or gives one as {@code
 *       /REGEX/} (without blanks).
 *   <li>{@code background until REGEX}: the command keeps running (a streamer); the page goes on
 *       once its output matches, and the test stops it with SIGTERM when the page ends, expecting
 *       exit status 0.
 *   <li>{@code capture NAME=REGEX}: a value the reader copies from this block's output into a later
 *       command ({@code {NAME}} there); group 1 if the pattern has one.
 *   <li>{@code pending: BEHAVIOUR}: the block does not work as written until the product has
 *       BEHAVIOUR; the test expects it to fail, names BEHAVIOUR, and fails once it works.
 *   <li>{@code file PATH}: the block is a file's content; the test writes it to PATH.
 *   <li>{@code database DB}: an SQL block runs in DB (default {@code postgres}) as the superuser.
 *   <li>page only: {@code postgres N} (a fresh PostgreSQL N for the page), {@code port N} (on that
 *       port rather than a free one, where the page relies on PostgreSQL's default), {@code s3} (an
 *       S3 server).
 * </ul>
 *
 * @param notRun why the block is not run, if it is not
 * @param replaces the reader's substitutions, in order
 * @param env variables set from this block on
 * @param exit the expected exit status
 * @param output whether the block shows a command's output
 * @param excerpt whether that output is a run of lines of it rather than all of it
 * @param vary kinds of values that vary (see {@link ExpectedOutput})
 * @param backgroundUntil for a command that keeps running: what its output shows once it is up
 * @param captures values to take from the output
 * @param pending the missing behaviour that makes the block fail today
 * @param file where the block's content goes
 * @param database the database of an SQL block
 * @param postgres the PostgreSQL major of a page's server
 * @param port the fixed port of a page's server
 * @param s3 whether the page needs an S3 server
 */
public record Annotation(
    Optional<String> notRun,
    List<Replace> replaces,
    Map<String, String> env,
    int exit,
    boolean output,
    boolean excerpt,
    Set<String> vary,
    Optional<Pattern> backgroundUntil,
    Map<String, Pattern> captures,
    Optional<String> pending,
    Optional<String> file,
    Optional<String> database,
    Optional<Integer> postgres,
    Optional<Integer> port,
    boolean s3) {

  /** A reader's substitution of {@code from} by {@code to}. */
  public record Replace(String from, String to) {}

  /** No annotation at all. */
  public static final Annotation NONE = parse("");

  /**
   * Parses the items of one or more comments (joined with {@code ;}).
   *
   * @throws IllegalArgumentException naming the item that is not understood
   */
  public static Annotation parse(String items) {
    Optional<String> notRun = Optional.empty();
    List<Replace> replaces = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    int exit = 0;
    boolean output = false;
    boolean excerpt = false;
    Set<String> vary = new LinkedHashSet<>();
    Optional<Pattern> until = Optional.empty();
    Map<String, Pattern> captures = new LinkedHashMap<>();
    Optional<String> pending = Optional.empty();
    Optional<String> file = Optional.empty();
    Optional<String> database = Optional.empty();
    Optional<Integer> postgres = Optional.empty();
    Optional<Integer> port = Optional.empty();
    boolean s3 = false;
    for (String raw : items.split(";")) {
      String item = raw.strip();
      if (item.isEmpty()) {
        continue;
      }
      if (item.startsWith("not run:")) {
        notRun = Optional.of(nonEmpty(item, item.substring("not run:".length())));
      } else if (item.startsWith("pending:")) {
        pending = Optional.of(nonEmpty(item, item.substring("pending:".length())));
      } else if (item.startsWith("replace ")) {
        String[] parts = item.substring("replace ".length()).split(" => ", -1);
        if (parts.length != 2 || parts[0].isBlank()) {
          throw new IllegalArgumentException("expected 'replace A => B', got '" + item + "'");
        }
        replaces.add(new Replace(parts[0].strip(), parts[1].strip()));
      } else if (item.startsWith("env ")) {
        String[] kv = keyValue(item, "env ");
        env.put(kv[0], kv[1]);
      } else if (item.startsWith("capture ")) {
        String[] kv = keyValue(item, "capture ");
        captures.put(kv[0], regex(item, kv[1]));
      } else if (item.startsWith("exit ")) {
        exit = integer(item, "exit ");
      } else if (item.equals("output")) {
        output = true;
      } else if (item.equals("output excerpt")) {
        output = true;
        excerpt = true;
      } else if (item.startsWith("vary ")) {
        for (String kind : item.substring("vary ".length()).split("[,\\s]+")) {
          if (kind.length() > 2 && kind.startsWith("/") && kind.endsWith("/")) {
            regex(item, kind.substring(1, kind.length() - 1)); // checked here, used as text
          } else if (!ExpectedOutput.KINDS.containsKey(kind)) {
            throw new IllegalArgumentException(
                "unknown kind '"
                    + kind
                    + "' in '"
                    + item
                    + "'; known: "
                    + ExpectedOutput.KINDS.keySet());
          }
          vary.add(kind);
        }
      } else if (item.startsWith("background until ")) {
        until = Optional.of(regex(item, item.substring("background until ".length()).strip()));
      } else if (item.startsWith("file ")) {
        file = Optional.of(nonEmpty(item, item.substring("file ".length())));
      } else if (item.startsWith("database ")) {
        database = Optional.of(nonEmpty(item, item.substring("database ".length())));
      } else if (item.startsWith("postgres ")) {
        postgres = Optional.of(integer(item, "postgres "));
      } else if (item.startsWith("port ")) {
        port = Optional.of(integer(item, "port "));
      } else if (item.equals("s3")) {
        s3 = true;
      } else {
        throw new IllegalArgumentException("unknown test annotation item '" + item + "'");
      }
    }
    if (!vary.isEmpty() && !output) {
      throw new IllegalArgumentException("'vary' belongs to an output block: " + items);
    }
    return new Annotation(
        notRun,
        List.copyOf(replaces),
        Map.copyOf(env),
        exit,
        output,
        excerpt,
        Set.copyOf(vary),
        until,
        Map.copyOf(captures),
        pending,
        file,
        database,
        postgres,
        port,
        s3);
  }

  private static String nonEmpty(String item, String value) {
    String v = value.strip();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("'" + item + "' needs a value");
    }
    return v;
  }

  private static String[] keyValue(String item, String prefix) {
    String rest = item.substring(prefix.length()).strip();
    int eq = rest.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("expected '" + prefix + "NAME=VALUE', got '" + item + "'");
    }
    return new String[] {rest.substring(0, eq).strip(), rest.substring(eq + 1).strip()};
  }

  private static int integer(String item, String prefix) {
    try {
      return Integer.parseInt(item.substring(prefix.length()).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected '" + prefix + "N', got '" + item + "'", e);
    }
  }

  private static Pattern regex(String item, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("bad regular expression in '" + item + "'", e);
    }
  }
}
