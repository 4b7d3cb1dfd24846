// Traces derived from real ones (issue 15), written by bench/generate.mjs into bench/out/
// (git-ignored; the sources under ../shared are never copied into the repository):
//
//   tripled   three copies of a Kineto trace's events, copy k shifted by k × (span + 1 ms)
//             and its ids (flow `id`, `correlation`, `External id`, `Python id`,
//             `Python parent id`) raised by k × a power of ten above every id of the file,
//             so no two copies share one; the ph M metadata written once, after the copies.
//             Done on the text: each event keeps the source's layout byte for byte except
//             for the shifted numbers (ts in integer ns, so no float noise).
//   shuffled  the same events with the keys of every object inside an event in a seeded
//             random order, written without any whitespace (JSON.stringify). The top-level
//             keys keep their order.
import { mulberry32 } from './traceGenerator.mjs';

/** Bumped when a derived file's bytes would change (its marker then no longer matches). */
export const DERIVE_VERSION = 1;

const ID_KEYS = ['id', 'correlation', 'External id', 'Python id', 'Python parent id'];
const ID_RE = new RegExp(`("(?:${ID_KEYS.join('|')})":\\s*)(\\d+)`, 'g');
const TS_RE = /("ts":\s*)(-?)(\d+)(?:\.(\d+))?/;
const DUR_RE = /"dur":\s*(\d+)(?:\.(\d+))?/;
const META_RE = /"ph":\s*"M"/;

/** Decimal µs text → integer ns as a BigInt (Kineto writes 3 decimals; any further digits are dropped). */
const toNs = (intPart, frac = '') => BigInt(intPart + frac.padEnd(3, '0').slice(0, 3));

/** Integer ns → µs text with 3 decimals. */
function nsText(ns) {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  return `${neg ? '-' : ''}${abs / 1000n}.${String(abs % 1000n).padStart(3, '0')}`;
}

/** The text of the `traceEvents` array split into events: { head, events: [text], tail }. */
export function splitEvents(text) {
  const key = text.search(/"traceEvents"\s*:\s*\[/);
  if (key < 0) throw new Error('no "traceEvents" array');
  let i = text.indexOf('[', key) + 1;
  const head = text.slice(0, i);
  const events = [];
  let depth = 0;
  let start = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (depth++ === 0) start = i;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) break; // the array's own ]
      if (--depth === 0) events.push(text.slice(start, i + 1));
    }
  }
  // The tail starts at the array's ] (with the whitespace before it kept in `gap`).
  const close = i;
  let gapStart = close;
  while (gapStart > 0 && /\s/.test(text[gapStart - 1])) gapStart--;
  return { head, events, gap: text.slice(gapStart, close), tail: text.slice(close) };
}

/** Separator the source puts between events (",\n  " for Kineto's pretty print, "," or ", " when minified). */
function separatorOf(text, events) {
  if (events.length < 2) return ',';
  const a = text.indexOf(events[0]) + events[0].length;
  return text.slice(a, text.indexOf(events[1], a));
}

/** Three copies, shifted in time and ids; yields text chunks. `copies` defaults to 3. */
export function* tripledChunks(text, { copies = 3 } = {}) {
  const { head, events, gap, tail } = splitEvents(text);
  const sep = separatorOf(text, events);
  let minNs = null;
  let maxNs = null;
  let maxId = 0;
  for (const ev of events) {
    for (const m of ev.matchAll(ID_RE)) maxId = Math.max(maxId, Number(m[2]));
    if (META_RE.test(ev)) continue;
    const ts = TS_RE.exec(ev);
    if (!ts) continue;
    const start = (ts[2] ? -1n : 1n) * toNs(ts[3], ts[4]);
    const dur = DUR_RE.exec(ev);
    const end = start + (dur ? toNs(dur[1], dur[2]) : 0n);
    if (minNs === null || start < minNs) minNs = start;
    if (maxNs === null || end > maxNs) maxNs = end;
  }
  if (minNs === null) throw new Error('no timed events');
  const shiftNs = maxNs - minNs + 1_000_000n; // span + 1 ms
  const idStep = 10 ** String(maxId).length; // 87,778 → 100,000: copy k's ids are k·10^n + id
  const meta = events.filter((ev) => META_RE.test(ev));
  yield head;
  let first = true;
  for (let k = 0; k < copies; k++) {
    const dt = shiftNs * BigInt(k);
    const dId = idStep * k;
    let chunk = '';
    for (const ev of events) {
      if (META_RE.test(ev)) continue;
      let out = ev;
      if (k > 0) {
        out = out.replace(TS_RE, (_, p, neg, i, f) => p + nsText((neg ? -1n : 1n) * toNs(i, f) + dt));
        out = out.replace(ID_RE, (_, p, n) => p + String(Number(n) + dId));
      }
      chunk += (first ? gapBefore(sep) : sep) + out;
      first = false;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  }
  yield meta.map((ev) => sep + ev).join('');
  yield gap + tail;
}

/** What goes between `[` and the first event: the separator without its comma. */
const gapBefore = (sep) => sep.replace(/^\s*,/, '');

/** Every object inside an event with its keys in a seeded random order; events written minified. */
export function* shuffledChunks(text, { seed }) {
  const trace = JSON.parse(text);
  const rand = mulberry32(seed);
  const shuffle = (v) => {
    if (Array.isArray(v)) return v.map(shuffle);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
    const out = {};
    for (const k of keys) out[k] = shuffle(v[k]);
    return out;
  };
  const keys = Object.keys(trace);
  yield '{';
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n];
    yield `${n ? ',' : ''}${JSON.stringify(k)}:`;
    if (k !== 'traceEvents') {
      yield JSON.stringify(trace[k]);
      continue;
    }
    let chunk = '[';
    for (let i = 0; i < trace.traceEvents.length; i++) {
      chunk += (i ? ',' : '') + JSON.stringify(shuffle(trace.traceEvents[i]));
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk + ']';
  }
  yield '}';
}
