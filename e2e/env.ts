// Where the e2e server lives and where the corpus is. Shared by playwright.config.ts
// and e2e/helpers.ts (no test code here, so it is safe to import from the config).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Read-only trace corpus, a sibling of the repository (CORPUS_DIR overrides). */
export const CORPUS_DIR = path.resolve(REPO_ROOT, process.env.CORPUS_DIR || '../shared/corpus');
/** scripts/serve.mjs --e2e listens here (scripts/test.mjs sets E2E_PORT if 4321 is busy). */
export const E2E_PORT = Number(process.env.E2E_PORT || 4321);
export const E2E_ORIGIN = `http://127.0.0.1:${E2E_PORT}`;
/** The production build is also mounted at this sub-path, like the internal portal does. */
export const SUB_PATH = '/portal/tools/tracelane/';
export const SCREENS_DIR = path.join(REPO_ROOT, 'test-results', 'screens');
