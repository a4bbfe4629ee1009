import { createServer } from 'node:net';

/** freePort asks the kernel for a free loopback port (closed again at once, for a server to bind). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
