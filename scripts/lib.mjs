// Shared helpers for scripts/start.mjs and scripts/test.mjs.
// Node builtins only: these run before `npm ci` has installed anything.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const STAMP = path.join(repoRoot, 'node_modules', '.tracelane-lock.sha256');

export function log(msg) {
  process.stdout.write(`\n[tracelane] ${msg}\n`);
}

/** Run a command with inherited stdio. Resolves to its exit code (never rejects on non-zero). */
export function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit', ...opts });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => {
      console.error(`[tracelane] could not run ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Run a command and exit the process with its code if it fails. */
export async function runOrExit(cmd, args, opts) {
  const code = await run(cmd, args, opts);
  if (code !== 0) {
    console.error(`\n[tracelane] FAILED (exit ${code}): ${[cmd, ...args].join(' ')}`);
    process.exit(code);
  }
}

/** Path of a locally installed CLI (node_modules/.bin/<name>). */
export function bin(name) {
  return path.join(repoRoot, 'node_modules', '.bin', name);
}

function lockHash() {
  const h = createHash('sha256');
  h.update(readFileSync(path.join(repoRoot, 'package-lock.json')));
  return h.digest('hex');
}

/**
 * Why node_modules needs (re)installing, or null when it is up to date.
 * Up to date = our stamp holds the sha256 of package-lock.json; without a stamp
 * (installed by hand with `npm ci`/`npm install`), node_modules/.package-lock.json
 * (written by npm on every install) must be at least as new as package-lock.json.
 */
export function depsStaleReason() {
  const nm = path.join(repoRoot, 'node_modules');
  if (!existsSync(nm)) return 'node_modules is missing';
  for (const b of ['vite', 'vitest', 'playwright']) {
    if (!existsSync(bin(b))) return `node_modules/.bin/${b} is missing`;
  }
  const hash = lockHash();
  if (existsSync(STAMP)) {
    return readFileSync(STAMP, 'utf8').trim() === hash ? null : 'package-lock.json changed since the last npm ci';
  }
  const npmLock = path.join(nm, '.package-lock.json');
  if (!existsSync(npmLock)) return 'node_modules was not installed by npm';
  if (statSync(npmLock).mtimeMs + 1000 < statSync(path.join(repoRoot, 'package-lock.json')).mtimeMs) {
    return 'package-lock.json is newer than node_modules';
  }
  writeFileSync(STAMP, hash + '\n');
  return null;
}

/** `npm ci` when node_modules is missing or out of date with package-lock.json. */
export async function ensureDeps() {
  const reason = depsStaleReason();
  if (!reason) return;
  log(`${reason}: installing dependencies with npm ci`);
  // Never let anything fetch a browser: e2e tests drive Debian's /usr/bin/chromium.
  await runOrExit('npm', ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  writeFileSync(STAMP, lockHash() + '\n');
}

/**
 * Make sure Debian's Chromium is installed (the e2e browser). Installs the
 * `chromium` apt package when /usr/bin/chromium is missing; needs root.
 */
export async function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.env.CHROMIUM_PATH) {
    console.error(`[tracelane] CHROMIUM_PATH=${CHROMIUM_PATH} does not exist.`);
    process.exit(1);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `[tracelane] ${CHROMIUM_PATH} is missing. The e2e tests use Debian's Chromium, never a downloaded browser.\n` +
        `Install it as root and re-run:\n  sudo apt-get update && sudo apt-get install -y chromium`,
    );
    process.exit(1);
  }
  log(`${CHROMIUM_PATH} is missing: installing Debian's "chromium" package with apt-get (the e2e browser)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait (up to 10 min) instead of failing if another apt/dpkg holds the lock.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  await runOrExit('apt-get', [...lock, 'update'], { env });
  await runOrExit('apt-get', [...lock, 'install', '-y', 'chromium'], { env });
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(`[tracelane] apt-get finished but ${CHROMIUM_PATH} is still missing.`);
    process.exit(1);
  }
  log(`installed ${CHROMIUM_PATH}`);
}
