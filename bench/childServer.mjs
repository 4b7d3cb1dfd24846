// The bench's file servers, each a Node process of its own (scripts/serve.mjs), as `npm start`'s
// and any real server are. Served from the bench's own process, which also runs Playwright's driver,
// a 1 GB `?url=` load took 3.96–4.05 s against 3.43–3.63 s from a server process of its own (same
// minutes, 3 + 3 loads per round, bench/README.md): serving there cost a load that no user's
// server pays.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../scripts/serve.mjs';

/** Starts `node scripts/serve.mjs` on `port` with `mounts` ({ '/prefix/': dir }); resolves once it listens. */
export function serveInChild({ mounts, port, ranges = true }) {
  const args = [path.join(repoRoot, 'scripts', 'serve.mjs'), '--port', String(port), ...Object.entries(mounts).flatMap(([prefix, dir]) => ['--mount', `${prefix}=${path.resolve(dir)}`]), ...(ranges ? [] : ['--no-ranges'])];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let said = '';
    const heard = (chunk) => {
      said += chunk;
      const m = /running at (http:\/\/\S+?)\/?\s/.exec(said);
      if (!m) return;
      child.stdout.off('data', heard);
      child.stdout.resume();
      resolve({
        url: `${m[1]}/`,
        close: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.setEncoding('utf8').on('data', heard);
    child.stderr.setEncoding('utf8').on('data', (text) => (said += text));
    child.once('exit', (code) => reject(new Error(`scripts/serve.mjs on port ${port} exited (${code}): ${said.trim().slice(0, 300)}`)));
  });
}
