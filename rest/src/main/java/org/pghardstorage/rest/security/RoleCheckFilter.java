package org.pghardstorage.rest.security;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import org.pghardstorage.rest.problem.Problem;

/**
 * Enforces {@link Requires} on every resource method. Secure by default: a method that declares
 * nothing needs {@link Role#ADMIN}. {@link Public} methods need no user at all.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class RoleCheckFilter implements ContainerRequestFilter {
  @Context private ResourceInfo resource;

  @Override
  public void filter(ContainerRequestContext request) {
    Method method = resource.getResourceMethod();
    if (method == null || method.isAnnotationPresent(Public.class)) {
      return;
    }
    Role needed = required(method);
    SecurityContext security = request.getSecurityContext();
    if (security.getUserPrincipal() == null) {
      request.abortWith(
          Problem.response(401, "auth.required", "Authentication required", null)
              .header("WWW-Authenticate", "Basic realm=\"pg_hardstorage\"")
              .build());
      return;
    }
    for (String role : needed.satisfiedBy()) {
      if (security.isUserInRole(role)) {
        return;
      }
    }
    request.abortWith(
        Problem.response(
                403,
                "auth.forbidden",
                "Forbidden",
                "user '"
                    + security.getUserPrincipal().getName()
                    + "' needs role '"
                    + needed.roleName()
                    + "' for "
                    + request.getMethod()
                    + " /"
                    + request.getUriInfo().getPath())
            .build());
  }

  private static Role required(Method method) {
    Requires onMethod = method.getAnnotation(Requires.class);
    if (onMethod != null) {
      return onMethod.value();
    }
    Requires onType = method.getDeclaringClass().getAnnotation(Requires.class);
    return onType != null ? onType.value() : Role.ADMIN;
  }
}
