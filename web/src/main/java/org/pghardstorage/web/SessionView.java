package org.pghardstorage.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Predicate;

/** Who is signed in, with which roles, and signing out. */
@Named
@RequestScoped
public class SessionView {
  /** The console's roles, the realm groups the REST API checks too, least powerful first. */
  static final List<String> ROLES = List.of("viewer", "operator", "admin");

  /** The signed-in user's name, or blank on the login page. */
  public String getUser() {
    var p = external().getUserPrincipal();
    return p == null ? "" : p.getName();
  }

  /** The signed-in user's roles, comma separated, for the header. */
  public String getRoles() {
    return String.join(", ", rolesOf(external()::isUserInRole));
  }

  /** Whether the user may start actions (operator or admin): a viewer sees no action controls. */
  public boolean isOperator() {
    return mayAct(external()::isUserInRole);
  }

  /** Whether a user with these roles may start actions: operator or admin. */
  static boolean mayAct(Predicate<String> isUserInRole) {
    return isUserInRole.test("operator") || isUserInRole.test("admin");
  }

  /**
   * Ends the session and sends the browser to the overview, which the container answers with the
   * login page. A Faces postback, so it carries the page's view state token like every action.
   */
  public String logout() throws ServletException {
    ExternalContext ec = external();
    ((HttpServletRequest) ec.getRequest()).logout();
    ec.invalidateSession();
    return "/index.xhtml?faces-redirect=true&signedOut=true";
  }

  static List<String> rolesOf(Predicate<String> isUserInRole) {
    return ROLES.stream().filter(isUserInRole).toList();
  }

  private static ExternalContext external() {
    return FacesContext.getCurrentInstance().getExternalContext();
  }
}
