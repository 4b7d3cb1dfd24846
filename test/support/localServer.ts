// A test's own HTTP server on a free local port (URL sources: their requests are what the tests check).

import type http from 'node:http';

/** Starts listening; resolves with the base URL, `http://127.0.0.1:<port>/`. */
export async function listenLocally(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

/** Ends open connections (a body still being sent) and closes it. */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}
