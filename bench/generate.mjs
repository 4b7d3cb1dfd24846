#!/usr/bin/env node
// Makes the benchmark's traces in bench/out/ (see bench/traces.mjs):
//   node bench/generate.mjs [--sizes 10,100,real,1g,2g]
// Synthetic traces stream out of bench/traceGenerator.mjs with backpressure (a 2 GB file
// never sits in memory); .gz variants are gzipped from the plain file (one member, and BGZF:
// bench/bgzfWriter.mjs); the real corpus trace is gunzipped (plain) and copied (.gz); the traces
// derived from real ones (tripled, shuffled, external; bench/derivedTraces.mjs) are made from
// the .gz sources under ../shared.
// A file is only rebuilt when its marker (<file>.marker.json: generator version, seed,
// target, bytes) does not match it.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { BGZF_VERSION, bgzfStream } from './bgzfWriter.mjs';
import { DERIVE_VERSION, shuffledChunks, tripledChunks } from './derivedTraces.mjs';
import { GENERATOR_VERSION, traceChunks } from './traceGenerator.mjs';
import { SEED, TRACES, argValue, corpusDir, outDir, parseSizes } from './traces.mjs';

const markerPath = (file) => path.join(outDir, `${file}.marker.json`);

/** The marker a finished file must match; `bytes` is filled in once written. */
function expectedMarker(t) {
  if (t.source === 'generate') return { version: GENERATOR_VERSION, seed: SEED, targetBytes: t.targetBytes };
  if (t.source === 'bgzf') return { version: GENERATOR_VERSION, bgzf: BGZF_VERSION, source: t.source, from: t.of };
  if (t.from) return { version: GENERATOR_VERSION, derive: DERIVE_VERSION, source: t.source, from: path.basename(t.from), ...(t.source === 'shuffled' ? { seed: SEED } : {}) };
  return { version: GENERATOR_VERSION, source: t.source, from: t.of ?? t.file };
}

async function upToDate(t) {
  const marker = await fsp.readFile(markerPath(t.file), 'utf8').then(JSON.parse, () => null);
  const st = await fsp.stat(path.join(outDir, t.file)).catch(() => null);
  if (!marker || !st || marker.bytes !== st.size) return false;
  const want = expectedMarker(t);
  return Object.keys(want).every((k) => marker[k] === want[k]);
}

/** Write an async/sync iterable of strings, waiting for 'drain' when the stream's buffer is full. */
async function writeChunks(file, chunks) {
  const ws = createWriteStream(file);
  let bytes = 0;
  for (const chunk of chunks) {
    bytes += chunk.length;
    if (!ws.write(chunk)) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
  return bytes;
}

async function build(t) {
  const dest = path.join(outDir, t.file);
  const tmp = `${dest}.partial`;
  switch (t.source) {
    case 'generate':
      await writeChunks(tmp, traceChunks({ seed: SEED, targetBytes: t.targetBytes, traceName: t.file }));
      break;
    case 'gzip':
      await pipeline(createReadStream(path.join(outDir, t.of)), zlib.createGzip({ level: 6 }), createWriteStream(tmp));
      break;
    case 'bgzf':
      await pipeline(createReadStream(path.join(outDir, t.of)), bgzfStream(), createWriteStream(tmp));
      break;
    case 'corpus-gunzip':
    case 'external-gunzip':
      await pipeline(createReadStream(t.from ?? path.join(corpusDir, `${t.file}.gz`)), zlib.createGunzip(), createWriteStream(tmp));
      break;
    case 'tripled':
      await writeChunks(tmp, tripledChunks(zlib.gunzipSync(await fsp.readFile(t.from)).toString('utf8')));
      break;
    case 'shuffled':
      await writeChunks(tmp, shuffledChunks(zlib.gunzipSync(await fsp.readFile(t.from)).toString('utf8'), { seed: SEED }));
      break;
    case 'corpus-copy':
      await fsp.copyFile(path.join(corpusDir, t.file), tmp);
      await fsp.chmod(tmp, 0o644); // the corpus is read-only; the copy need not be
      break;
    default:
      throw new Error(`unknown source ${t.source}`);
  }
  await fsp.rename(tmp, dest);
  const { size } = await fsp.stat(dest);
  await fsp.writeFile(markerPath(t.file), JSON.stringify({ ...expectedMarker(t), bytes: size }) + '\n');
  return size;
}

/** Make every trace of the selected size groups that is missing or stale; returns their paths. */
export async function ensureTraces(sizes, log = console.log) {
  await fsp.mkdir(outDir, { recursive: true });
  const selected = TRACES.filter((t) => sizes.includes(t.size));
  // A .gz needs its plain file: build those first (TRACES lists plain before gz).
  for (const t of selected) {
    if ((t.source === 'gzip' || t.source === 'bgzf') && !selected.some((p) => p.file === t.of)) throw new Error(`${t.file} needs ${t.of}`);
    if (await upToDate(t)) {
      log(`[bench] ${t.file}: up to date`);
      continue;
    }
    const t0 = performance.now();
    log(`[bench] ${t.file}: building (${t.source})…`);
    const size = await build(t);
    log(`[bench] ${t.file}: ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return selected.map((t) => path.join(outDir, t.file));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  ensureTraces(parseSizes(argValue(process.argv.slice(2), '--sizes'))).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
