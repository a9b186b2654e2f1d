/** Plain TCP probes: whether anything accepts connections on an address and port. */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * An address of this machine other than 127.0.0.1: its first non-loopback IPv4 address (what a
 * neighbour on the network would dial), else on Linux 127.0.0.2 (every 127/8 address reaches this
 * host, so a server bound to all interfaces answers there and one bound to 127.0.0.1 does not).
 */
export function otherAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return process.platform === 'linux' ? '127.0.0.2' : undefined;
}
