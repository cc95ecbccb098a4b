/**
 * A registry of the loopback ports the lab's servers listen on (nginx gateways, upstreams, status-service
 * stand-ins, the squid-style proxy), so that `public-address.ts` can make each of them reachable at the test run's
 * public address as well, whenever it was started. Firefox's `network.dns.forceResolve` sends every host name to one
 * address, so a Firefox profile whose sites have a public server address reaches every lab server by name there.
 *
 * @module
 */

type PortListener = (port: number) => void;

const ports = new Set<number>();
const listeners = new Set<PortListener>();

/** Records that a lab server listens on `127.0.0.1:<port>` (idempotent). */
export function announceLoopbackPort(port: number): void {
  if (ports.has(port)) return;
  ports.add(port);
  for (const listener of listeners) listener(port);
}

/**
 * Calls `listener` for every port announced so far and every one announced later. Returns a function that stops
 * the later calls.
 */
export function onLoopbackPort(listener: PortListener): () => void {
  listeners.add(listener);
  for (const port of ports) listener(port);
  return () => {
    listeners.delete(listener);
  };
}
