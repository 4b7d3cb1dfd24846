// The shareable view state and its codec: versioned, compact JSON, deflated
// (CompressionStream 'deflate-raw') and base64url-encoded into the URL hash as
// `#tl=<payload>`. Pure apart from the Web streams API (browsers and Node ≥ 18),
// so it is unit-tested in Node.
//
// Times are integer ns relative to `originNs` (the absolute ns of the global axis
// origin when the link was made), so a link reopens at the same absolute instants
// even if the axis origin of the new session differs.
//
// Versions:
//   1  {v, o, u, vp: {s, e}, sel, a: [{t, label}]}: lines only, no colours.
//   2  {v, o, u, f, vp: [s, e], sel, r, h, p, c, off, a}: annotations as
//      delta-encoded tuples [dt, label, colour, dur?, note?], stages, colours,
//      notes; files from disk; lanes; range; per-trace offsets.
//      Optional `lr` (added within v2, ignored by builds before it): the lane category
//      rules in force, 0 for the built-in defaults, else [cat, name, kind, lane?, group?]
//      tuples. Absent: the link does not say, so the opener's own rules apply.
//      Optional `j` (added within v2, ignored by builds before it): groups the user joined
//      into another group, {groupId: targetGroupId}.
//      Optional `hp` / `pp` (added within v2): hidden / pinned lanes as patterns
//      (lanePatterns.ts), written instead of `h` / `p` when the link would be too long.
//      Optional `lf` (added within v2): the lane filter text (lanes whose name, process or
//      trace contains it).
//      Optional `pt` (added within v2): traces opened in part, {traceKey: [originUs, firstNs,
//      fromNs | null, toNs | null, [[pid, tid], …] | null]} (src/model/traceChoice.ts); the link
//      reopens them in part.
// Older versions are upgraded, never dropped. A newer version opens its traces
// but restores nothing else, and says so.

import { ANNOTATION_COLORS } from '../model/annotations';
import type { TraceChoice } from '../model/traceChoice';
import { expandLanePatterns, lanePatterns } from './lanePatterns';
import { DEFAULT_RULES, rulesFromTuples, rulesToTuples, sameRules, type CategoryRule } from '../../workers/lanes/categoryRules';

export const URL_STATE_VERSION = 2;
const HASH_KEY = 'tl=';

export interface FileRef {
  name: string;
  size: number;
  /** Trace identity (see fingerprint.ts): trace_id + base time, else size + head/tail hash. */
  id: string;
}

export interface SharedAnnotation {
  startNs: number;
  endNs?: number;
  label: string;
  color: string;
  note?: string;
}

export interface ViewState {
  /** Absolute ns (decimal string) that every time below is relative to. */
  originNs: string;
  /** Trace source URLs, for traces opened by ?url=. */
  sources: string[];
  /** Traces opened from disk: asked for by name when the link is opened. */
  files: FileRef[];
  viewport: { startNs: number; endNs: number } | null;
  /** Stable slice key of the selection. */
  selection: string | null;
  range: { startNs: number; endNs: number } | null;
  hidden: string[];
  pinned: string[];
  collapsed: string[];
  /** Per-trace user offsets (ns) by trace key. */
  offsets: Record<string, number>;
  annotations: SharedAnnotation[];
  /** The lane category rules in force when the link was made (null: not recorded). */
  laneRules: CategoryRule[] | null;
  /** Joined groups, group id → target group id (absent in older links). */
  joined?: Record<string, string>;
  /** Hidden / pinned lanes written as patterns (lanePatterns.ts), expanded against the lanes when applied. */
  hiddenPatterns?: string[];
  pinnedPatterns?: string[];
  /** The lane filter by name ('' or absent: every lane). */
  laneFilter?: string;
  /** Traces opened in part, by trace key: reopened with the same choice. */
  parts?: Record<string, TraceChoice>;
}

/** Longer links get cut by chat tools, trackers and some browsers' address handling. */
export const MAX_LINK_CHARS = 8000;

/** The ViewState's hidden and pinned lanes against the lanes loaded now (patterns expanded). */
export function laneListsOf(s: ViewState, laneIds: readonly string[]): { hidden: string[]; pinned: string[] } {
  return {
    hidden: [...s.hidden, ...expandLanePatterns(s.hiddenPatterns ?? [], laneIds)],
    pinned: [...s.pinned, ...expandLanePatterns(s.pinnedPatterns ?? [], laneIds)],
  };
}

/**
 * The link for `s` within `limit` characters (`linkOf` turns a payload into the whole
 * link): as it is; else with the hidden and pinned lanes as patterns over `laneIds`;
 * else without them, with a notice saying what the link leaves out.
 */
export async function fitLink(
  s: ViewState,
  laneIds: readonly string[],
  linkOf: (payload: string) => string,
  limit = MAX_LINK_CHARS,
): Promise<{ link: string; notice: string | null }> {
  let link = linkOf(await encodeViewState(s));
  if (link.length <= limit) return { link, notice: null };
  const count = (n: number) => n.toLocaleString('en-US');
  const tooLong = (n: number) => `It is ${count(n)} characters, and chat tools and browsers may cut links over ${count(limit)}: export the annotations (JSON) to share them whole.`;
  if (!s.hidden.length && !s.pinned.length) return { link, notice: `The link to this view is too long. ${tooLong(link.length)}` };
  const patterned: ViewState = { ...s, hidden: [], pinned: [], hiddenPatterns: lanePatterns(s.hidden, laneIds), pinnedPatterns: lanePatterns(s.pinned, laneIds) };
  link = linkOf(await encodeViewState(patterned));
  if (link.length <= limit) return { link, notice: null };
  link = linkOf(await encodeViewState({ ...s, hidden: [], pinned: [] }));
  const left = [s.hidden.length && `${count(s.hidden.length)} hidden`, s.pinned.length && `${count(s.pinned.length)} pinned`].filter(Boolean).join(' and ');
  return {
    link,
    notice: `The link leaves out the ${left} lanes: with them it would be longer than ${count(limit)} characters, which chat tools and browsers may cut. Saved work in this browser keeps them.${link.length > limit ? ` Even so: ${tooLong(link.length)}` : ''}`,
  };
}

export function emptyViewState(originNs = '0'): ViewState {
  return { originNs, sources: [], files: [], viewport: null, selection: null, range: null, hidden: [], pinned: [], collapsed: [], offsets: {}, annotations: [], laneRules: null };
}

export interface DecodedViewState {
  /** What could be read (possibly partial); null when nothing could. */
  state: ViewState | null;
  /** Human-readable list of what could not be restored. */
  problems: string[];
}

// ---------------------------------------------------------------- encode

type Tuple = [number, string, number | string, number?, string?];

/** The compact wire object (current version). Exported for tests of older versions. */
export function toWire(s: ViewState): Record<string, unknown> {
  const w: Record<string, unknown> = { v: URL_STATE_VERSION, o: s.originNs };
  if (s.sources.length) w.u = s.sources;
  if (s.files.length) w.f = s.files.map((f) => [f.name, f.size, f.id]);
  if (s.viewport) w.vp = [Math.round(s.viewport.startNs), Math.round(s.viewport.endNs)];
  if (s.selection) w.sel = s.selection;
  if (s.range) w.r = [Math.round(s.range.startNs), Math.round(s.range.endNs)];
  if (s.hidden.length) w.h = s.hidden;
  if (s.pinned.length) w.p = s.pinned;
  if (s.hiddenPatterns?.length) w.hp = s.hiddenPatterns;
  if (s.pinnedPatterns?.length) w.pp = s.pinnedPatterns;
  if (s.collapsed.length) w.c = s.collapsed;
  if (Object.keys(s.offsets).length) w.off = s.offsets;
  if (s.joined && Object.keys(s.joined).length) w.j = s.joined;
  if (s.laneFilter) w.lf = s.laneFilter;
  if (s.parts && Object.keys(s.parts).length) w.pt = Object.fromEntries(Object.entries(s.parts).map(([k, c]) => [k, [c.originUs, c.firstNs, c.fromNs ?? null, c.toNs ?? null, c.threads ?? null]]));
  if (s.laneRules) w.lr = sameRules(s.laneRules, DEFAULT_RULES) ? 0 : rulesToTuples(s.laneRules);
  if (s.annotations.length) {
    const sorted = [...s.annotations].sort((a, b) => a.startNs - b.startNs);
    let prev = 0;
    w.a = sorted.map((a) => {
      const t = Math.round(a.startNs);
      const c = ANNOTATION_COLORS.indexOf(a.color);
      const tuple: Tuple = [t - prev, a.label, c >= 0 ? c : a.color];
      prev = t;
      const dur = a.endNs !== undefined ? Math.round(a.endNs) - t : 0;
      if (dur > 0 || a.note) tuple.push(dur);
      if (a.note) tuple.push(a.note);
      return tuple;
    });
  }
  return w;
}

export async function encodeViewState(s: ViewState): Promise<string> {
  return encodeWire(toWire(s));
}

/** Any wire object → payload (used for the current version and, in tests, older ones). */
export async function encodeWire(wire: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(wire));
  return toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')));
}

/** `#tl=…` for a payload. */
export function hashFor(payload: string): string {
  return `#${HASH_KEY}${payload}`;
}

// ---------------------------------------------------------------- decode

/** The payload of a location hash, or null when the hash holds no view state. */
export function payloadOfHash(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) if (part.startsWith(HASH_KEY)) return part.slice(HASH_KEY.length);
  return null;
}

const DAMAGED = 'The link’s view state is damaged or truncated, so only the traces were opened.';

export async function decodeViewState(payload: string): Promise<DecodedViewState> {
  let wire: unknown;
  try {
    const bytes = fromBase64Url(payload);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await pipe(bytes, new DecompressionStream('deflate-raw')));
    wire = JSON.parse(text);
  } catch {
    return { state: null, problems: [DAMAGED] };
  }
  return fromWire(wire);
}

/** Validate a wire object field by field; anything unreadable is dropped and reported. */
export function fromWire(wire: unknown): DecodedViewState {
  if (!isObj(wire) || !Number.isInteger(wire.v) || (wire.v as number) < 1) return { state: null, problems: [DAMAGED] };
  const problems: string[] = [];
  const v = wire.v as number;
  const s = emptyViewState();
  const sources = strArr(wire.u);
  if (wire.u !== undefined && !sources) problems.push('the trace URLs');
  s.sources = sources ?? [];
  if (v > URL_STATE_VERSION) {
    // Newer than this build: open the traces, restore nothing we might misread.
    problems.unshift(`The link was made by a newer tracelane (state version ${v}); only its traces were opened, not its view or annotations.`);
    return { state: s, problems };
  }
  if (typeof wire.o === 'string' && /^-?\d{1,30}$/.test(wire.o)) s.originNs = wire.o;
  else {
    problems.push('the time origin (so the view and annotations)');
    return { state: s, problems };
  }
  const wire2 = v === 1 ? upgradeV1(wire, problems) : wire;
  readV2(wire2, s, problems);
  return { state: s, problems };
}

/** v1 → v2: viewport object → pair, annotation objects (lines only) → delta tuples with palette colours. */
function upgradeV1(w: Record<string, unknown>, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...w, v: 2 };
  const vp = w.vp;
  out.vp = isObj(vp) ? [vp.s, vp.e] : vp;
  if (w.a !== undefined) {
    if (!Array.isArray(w.a)) out.a = w.a;
    else {
      const items = (w.a as unknown[]).filter((x): x is { t: number; label: string } => isObj(x) && isNum(x.t) && typeof x.label === 'string');
      if (items.length < w.a.length) problems.push(`${w.a.length - items.length} of ${w.a.length} annotations`);
      items.sort((a, b) => a.t - b.t);
      let prev = 0;
      out.a = items.map((x, i) => {
        const t = [x.t - prev, x.label, i % ANNOTATION_COLORS.length];
        prev = x.t;
        return t;
      });
    }
  }
  return out;
}

function readV2(w: Record<string, unknown>, s: ViewState, problems: string[]): void {
  if (w.f !== undefined) {
    const files = Array.isArray(w.f) ? w.f.filter((x): x is [string, number, string] => Array.isArray(x) && typeof x[0] === 'string' && isNum(x[1]) && typeof x[2] === 'string') : [];
    if (!Array.isArray(w.f) || files.length < w.f.length) problems.push('the list of trace files');
    s.files = files.map(([name, size, id]) => ({ name, size, id }));
  }
  if (w.vp !== undefined) {
    const vp = span(w.vp);
    if (vp) s.viewport = vp;
    else problems.push('the viewport');
  }
  if (w.r !== undefined) {
    const r = span(w.r);
    if (r) s.range = r;
    else problems.push('the selected range');
  }
  if (w.sel !== undefined) {
    if (typeof w.sel === 'string' && w.sel.length < 4000) s.selection = w.sel;
    else problems.push('the selected slice');
  }
  for (const [k, field, label] of [
    ['h', 'hidden', 'hidden lanes'],
    ['p', 'pinned', 'pinned lanes'],
    ['c', 'collapsed', 'collapsed groups'],
    ['hp', 'hiddenPatterns', 'hidden lanes'],
    ['pp', 'pinnedPatterns', 'pinned lanes'],
  ] as const) {
    if (w[k] === undefined) continue;
    const list = strArr(w[k]);
    if (list) s[field] = list;
    else problems.push(`the ${label}`);
  }
  if (w.lr !== undefined) {
    const rules = w.lr === 0 ? [...DEFAULT_RULES] : rulesFromTuples(w.lr);
    if (rules) s.laneRules = rules;
    else problems.push('the lane rules');
  }
  if (w.j !== undefined) {
    if (isObj(w.j) && Object.values(w.j).every((v) => typeof v === 'string')) s.joined = { ...(w.j as Record<string, string>) };
    else problems.push('the joined groups');
  }
  if (w.lf !== undefined) {
    if (typeof w.lf === 'string' && w.lf.length <= 500) s.laneFilter = w.lf;
    else problems.push('the lane filter');
  }
  if (w.pt !== undefined) {
    const parts = isObj(w.pt) ? Object.entries(w.pt).map(([k, t]) => [k, choiceOfTuple(t)] as const) : null;
    if (parts && parts.every(([, c]) => c)) s.parts = Object.fromEntries(parts) as Record<string, TraceChoice>;
    else problems.push('the parts of traces to open');
  }
  if (w.off !== undefined) {
    if (isObj(w.off) && Object.values(w.off).every(isNum)) s.offsets = { ...(w.off as Record<string, number>) };
    else problems.push('the per-trace offsets');
  }
  if (w.a !== undefined) {
    if (!Array.isArray(w.a)) problems.push('the annotations');
    else {
      let t = 0;
      let bad = 0;
      for (const x of w.a as unknown[]) {
        if (!Array.isArray(x) || !isNum(x[0]) || typeof x[1] !== 'string' || (x[3] !== undefined && !(isNum(x[3]) && x[3] >= 0)) || (x[4] !== undefined && typeof x[4] !== 'string')) {
          bad++;
          continue;
        }
        t += x[0];
        const color = typeof x[2] === 'number' ? ANNOTATION_COLORS[x[2]] : typeof x[2] === 'string' && /^#[0-9a-f]{3,8}$/i.test(x[2]) ? x[2] : undefined;
        const a: SharedAnnotation = { startNs: t, label: x[1].slice(0, 200), color: color ?? ANNOTATION_COLORS[0] };
        if (x[3]) a.endNs = t + (x[3] as number);
        if (x[4]) a.note = (x[4] as string).slice(0, 2000);
        s.annotations.push(a);
      }
      if (bad) problems.push(`${bad} of ${w.a.length} annotations`);
    }
  }
}

// ---------------------------------------------------------------- helpers

/** A `pt` tuple back to a TraceChoice (null when it is not one). */
function choiceOfTuple(t: unknown): TraceChoice | null {
  if (!Array.isArray(t) || t.length !== 5 || !isNum(t[0]) || !isNum(t[1])) return null;
  const [originUs, firstNs, fromNs, toNs, threads] = t as unknown[];
  const c: TraceChoice = { originUs: originUs as number, firstNs: firstNs as number };
  if (fromNs !== null || toNs !== null) {
    if (!isNum(fromNs) || !isNum(toNs)) return null;
    c.fromNs = fromNs;
    c.toNs = toNs;
  }
  if (threads !== null) {
    if (!Array.isArray(threads) || !threads.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string'))) return null;
    c.threads = threads as [string, string][];
  }
  return c;
}

function isObj(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function strArr(x: unknown): string[] | null {
  return Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : null;
}

function span(x: unknown): { startNs: number; endNs: number } | null {
  return Array.isArray(x) && x.length === 2 && isNum(x[0]) && isNum(x[1]) && x[1] > x[0] ? { startNs: x[0], endNs: x[1] } : null;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
