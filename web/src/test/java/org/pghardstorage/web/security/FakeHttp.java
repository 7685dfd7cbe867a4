package org.pghardstorage.web.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Named fakes of the servlet request, response and chain for the filter's unit tests: only the
 * handful of methods the filter calls answer; any other call fails the test, so a filter that
 * starts depending on more is noticed. The real container is exercised by the console ITs.
 */
final class FakeHttp {
  private FakeHttp() {}

  /** A request as the container would hand it to the filter. */
  static final class Request {
    String method = "GET";
    String uri = "/console/index.xhtml";
    DispatcherType dispatcher = DispatcherType.REQUEST;
    final Map<String, String> headers = new HashMap<>(Map.of("Host", "console.example:8080"));
    final Map<String, String> parameters = new HashMap<>();
    java.security.Principal user;

    HttpServletRequest proxy() {
      return (HttpServletRequest)
          Proxy.newProxyInstance(
              FakeHttp.class.getClassLoader(),
              new Class<?>[] {HttpServletRequest.class},
              (p, m, a) ->
                  switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> uri;
                    case "getContextPath" -> "/console";
                    case "getDispatcherType" -> dispatcher;
                    case "getHeader" -> headers.get((String) a[0]);
                    case "getParameter" -> parameters.get((String) a[0]);
                    case "getUserPrincipal" -> user;
                    default -> throw new UnsupportedOperationException(m.getName());
                  });
    }
  }

  /** A response that records what the filter set. */
  static final class Response {
    final Map<String, String> headers = new HashMap<>();
    int status = 200;
    boolean committed;
    final StringWriter body = new StringWriter();

    HttpServletResponse proxy() {
      return (HttpServletResponse)
          Proxy.newProxyInstance(
              FakeHttp.class.getClassLoader(),
              new Class<?>[] {HttpServletResponse.class},
              (p, m, a) ->
                  switch (m.getName()) {
                    case "setHeader" -> {
                      headers.put((String) a[0], (String) a[1]);
                      yield null;
                    }
                    case "setStatus" -> {
                      status = (Integer) a[0];
                      yield null;
                    }
                    case "setContentType" -> {
                      headers.put("Content-Type", (String) a[0]);
                      yield null;
                    }
                    case "getWriter" -> new PrintWriter(body, true);
                    case "isCommitted" -> committed;
                    case "reset" -> {
                      headers.clear();
                      body.getBuffer().setLength(0);
                      status = 200;
                      yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                  });
    }
  }

  /** A chain that records whether the request reached Faces. */
  static final class Chain implements FilterChain {
    boolean reached;
    jakarta.servlet.ServletException toThrow;

    @Override
    public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res)
        throws java.io.IOException, jakarta.servlet.ServletException {
      reached = true;
      if (toThrow != null) {
        throw toThrow;
      }
    }
  }
}
