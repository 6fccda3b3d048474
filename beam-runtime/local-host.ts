// Whether a Flink master runs on this machine: then its TaskManagers can reach LOOPBACK workers in this process,
// which need no image and no staging, so that is the default; any other host gets DOCKER workers. Decided from the
// address as written (no DNS lookup at plan time): a loopback name or address, this host's name, or an address of
// one of its interfaces.
import * as os from "os";

/** "host:port", "[v6]:port" or a bare host -> the host. */
const hostOf = (master: string): string => {
  if (master === "[local]") return master;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(master);
  if (m) return m[1];
  const parts = master.split(":");
  return parts.length === 2 ? parts[0] : master;
};

const isLocalHost = (master: string): boolean => {
  const host = hostOf(master.trim()).toLowerCase();
  // "[local]": the job server's own mini-cluster, inside its JVM on this host
  if (host === "[local]" || host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  if (host === os.hostname().toLowerCase()) return true;
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.address.toLowerCase() === host) return true;
  }
  return false;
};

export { isLocalHost, hostOf };
