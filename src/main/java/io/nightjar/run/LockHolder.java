package io.nightjar.run;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/**
 * Who holds a lock, written into the lock file so the message of a refused run can name it.
 *
 * @param runId the holding run
 * @param host the holding process's host name
 * @param pid the holding process's id
 * @param startedAt when the holder took the lock
 */
public record LockHolder(String runId, String host, long pid, String startedAt) {
  public static LockHolder thisProcess(String runId) {
    return new LockHolder(runId, hostName(), ProcessHandle.current().pid(), Instant.now().toString());
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  /** True only when the holder is provably gone: a process on this host that no longer exists. */
  public boolean provablyGone() {
    return host.equals(hostName()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  String describe() {
    return String.format("run %s, pid %d on host %s, started %s", runId, pid, host, startedAt);
  }
}
