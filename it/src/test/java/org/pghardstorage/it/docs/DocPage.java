package org.pghardstorage.it.docs;

import java.util.List;

/**
 * A documentation page as the docs test sees it.
 *
 * @param name the file name relative to {@code docs/}, e.g. {@code tutorials/try-the-demo.md}
 * @param annotation the page's {@code <!-- test page: ... -->} annotation
 * @param blocks its fenced blocks in document order
 */
public record DocPage(String name, Annotation annotation, List<DocBlock> blocks) {}
