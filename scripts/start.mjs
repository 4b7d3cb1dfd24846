#!/usr/bin/env node
// `npm start`: install dependencies if needed, build the app, serve dist/ on
// http://localhost:5173 (PORT overrides). Ctrl-C stops the server.
import { bin, ensureDeps, log, runOrExit } from './lib.mjs';
import { main as serve } from './serve.mjs';

await ensureDeps();
log('building the app (vite build)');
await runOrExit(bin('vite'), ['build']);
log('serving dist/');
await serve(process.argv.slice(2));
