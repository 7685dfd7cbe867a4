package org.pghardstorage.it.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Markdown page into its fenced blocks and their test annotations ({@code <!-- test: ...
 * -->} just before a block, {@code <!-- test page: ... -->} lines before the first), and refuses a
 * page in which a block's role is not clear: every block either runs (a shell or SQL block), is the
 * output of the command block above it, is a file's content, or says why it is not run. So no block
 * is skipped without a stated reason.
 */
public final class DocParser {
  /** Info strings of blocks a reader types into a shell. */
  static final Set<String> SHELL = Set.of("sh", "bash", "shell", "console");

  private static final Pattern FENCE = Pattern.compile("^( *)(```+|~~~+)\\s*([\\w+-]*)\\s*$");
  private static final Pattern BLOCK_COMMENT =
      Pattern.compile("^\\s*<!--\\s*test:\\s*(.*?)\\s*-->\\s*$");
  private static final Pattern PAGE_COMMENT =
      Pattern.compile("^\\s*<!--\\s*test page:\\s*(.*?)\\s*-->\\s*$");

  private DocParser() {}

  /**
   * Parses {@code markdown}, the page {@code name}.
   *
   * @throws IllegalArgumentException naming the page and line of a block whose role is unclear or
   *     of an annotation that is not understood
   */
  public static DocPage parse(String name, String markdown) {
    String[] lines = markdown.split("\n", -1);
    List<DocBlock> blocks = new ArrayList<>();
    StringBuilder pageItems = new StringBuilder();
    int pageLine = 0;
    StringBuilder pendingItems = null;
    int pendingLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher pc = PAGE_COMMENT.matcher(line);
      if (pc.matches()) {
        if (!blocks.isEmpty()) {
          throw error(name, i + 1, "'test page' annotations go before the first block");
        }
        pageLine = pageLine == 0 ? i + 1 : pageLine;
        pageItems.append(pc.group(1)).append(';');
        continue;
      }
      Matcher bc = BLOCK_COMMENT.matcher(line);
      if (bc.matches()) {
        if (pendingItems == null) {
          pendingItems = new StringBuilder();
          pendingLine = i + 1;
        }
        pendingItems.append(bc.group(1)).append(';');
        continue;
      }
      Matcher fence = FENCE.matcher(line);
      if (!fence.matches()) {
        if (pendingItems != null) {
          throw error(name, pendingLine, "a test annotation must stand just before its block");
        }
        continue;
      }
      int indent = fence.group(1).length();
      String marker = fence.group(2);
      String language = fence.group(3);
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (j < lines.length && !isClosing(lines[j], marker)) {
        text.append(unindent(lines[j], indent)).append('\n');
        j++;
      }
      if (j == lines.length) {
        throw error(name, i + 1, "unclosed fenced block");
      }
      Annotation a =
          pendingItems == null
              ? Annotation.NONE
              : annotation(name, pendingLine, pendingItems.toString());
      blocks.add(block(name, i + 1, language, text.toString(), a, blocks));
      pendingItems = null;
      i = j;
    }
    if (pendingItems != null) {
      throw error(name, pendingLine, "a test annotation without a block after it");
    }
    Annotation page = annotation(name, pageLine, pageItems.toString());
    return new DocPage(name, page, List.copyOf(blocks));
  }

  private static DocBlock block(
      String page, int line, String language, String text, Annotation a, List<DocBlock> before) {
    boolean shell = SHELL.contains(language);
    DocBlock.Role role;
    if (a.output()) {
      Optional<DocBlock> command = lastCommand(before);
      if (command.isEmpty()) {
        throw error(page, line, "an output block without a command block above it");
      }
      if (command.get().role() == DocBlock.Role.NOT_RUN && a.notRun().isEmpty()) {
        a = withNotRun(a, "the command it shows is not run");
      }
      role = a.notRun().isPresent() ? DocBlock.Role.NOT_RUN : DocBlock.Role.OUTPUT;
    } else if (a.notRun().isPresent()) {
      role = DocBlock.Role.NOT_RUN;
    } else if (a.file().isPresent()) {
      role = DocBlock.Role.FILE;
    } else if (shell) {
      role = DocBlock.Role.SHELL;
    } else if (language.equals("sql")) {
      role = DocBlock.Role.SQL;
    } else {
      throw error(
          page,
          line,
          "a '"
              + language
              + "' block must say what it is: <!-- test: output -->, <!-- test: file PATH --> or"
              + " <!-- test: not run: REASON -->");
    }
    if (role != DocBlock.Role.SHELL
        && (a.backgroundUntil().isPresent() || !a.captures().isEmpty() || a.exit() != 0)) {
      throw error(page, line, "'background', 'capture' and 'exit' belong to a shell block");
    }
    return new DocBlock(page, line, language, text, role, a);
  }

  /** The block whose output a following output block shows. */
  private static Optional<DocBlock> lastCommand(List<DocBlock> before) {
    for (int i = before.size() - 1; i >= 0; i--) {
      DocBlock b = before.get(i);
      if (b.role() == DocBlock.Role.SHELL
          || (b.role() == DocBlock.Role.NOT_RUN && SHELL.contains(b.language()))) {
        return Optional.of(b);
      }
      if (b.role() != DocBlock.Role.OUTPUT && b.role() != DocBlock.Role.NOT_RUN) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Annotation withNotRun(Annotation a, String reason) {
    return new Annotation(
        Optional.of(reason),
        a.replaces(),
        a.env(),
        a.exit(),
        a.output(),
        a.excerpt(),
        a.vary(),
        a.backgroundUntil(),
        a.captures(),
        a.pending(),
        a.file(),
        a.database(),
        a.postgres(),
        a.port(),
        a.s3());
  }

  private static boolean isClosing(String line, String marker) {
    String s = line.strip();
    return s.startsWith(marker.substring(0, 3))
        && s.chars().allMatch(c -> c == marker.charAt(0))
        && s.length() >= marker.length();
  }

  private static String unindent(String line, int indent) {
    int k = 0;
    while (k < indent && k < line.length() && line.charAt(k) == ' ') {
      k++;
    }
    return line.substring(k);
  }

  private static Annotation annotation(String page, int line, String items) {
    try {
      return Annotation.parse(items);
    } catch (IllegalArgumentException e) {
      throw error(page, line, e.getMessage());
    }
  }

  private static IllegalArgumentException error(String page, int line, String message) {
    return new IllegalArgumentException(page + ":" + line + ": " + message);
  }
}
