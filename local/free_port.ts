/**
 * A free TCP port on 127.0.0.1, for servers the local tools and tests start.
 *
 * @module
 */

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
