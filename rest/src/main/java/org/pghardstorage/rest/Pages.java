package org.pghardstorage.rest;

import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.pghardstorage.ejb.catalogue.Page;

/**
 * A page of a list as the API returns it: {@code {"items": [...], "next": "<url>"}}, where {@code
 * next} is the URL of the next page (the same query with its cursor), absent on the last page.
 *
 * @param items this page's items, newest first
 * @param next the next page's URL, or null
 */
public record Pages<T>(List<T> items, String next) {
  /** The API form of {@code page}, with {@code next} built from the request's URL. */
  public static <T> Pages<T> of(Page<T> page, UriInfo uri) {
    String next =
        page.next() == null
            ? null
            : uri.getRequestUriBuilder()
                .replaceQueryParam("cursor", page.next())
                .build()
                .toString();
    return new Pages<>(page.items(), next);
  }
}
