package org.pghardstorage.ejb.system;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The name of this server instance as the catalogue records it: host and instance directory ({@code
 * db-backup-1:/opt/payara6/glassfish/domains/pghs}). It stays the same across restarts, so a
 * restarted instance finds the job runs it owned; two instances sharing a catalogue differ in one
 * part or the other.
 */
public final class ServerInstance {
  private static final String NAME =
      host() + ":" + System.getProperty("com.sun.aas.instanceRoot", "-");

  private ServerInstance() {}

  /** This instance's name. */
  public static String name() {
    return NAME;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "unknown-host";
    }
  }
}
