// Annotations as files: JSON (export + import) and CSV (export, for spreadsheets
// and incident notes). Times are written as absolute ns (exact, as decimal strings)
// so a file made on one set of traces lands on the same instants in another
// session whatever its axis origin, plus ms from the axis origin for people.

import { ANNOTATION_COLORS, makeAnnotation, sortAnnotations, type Annotation } from './annotations';

export const ANNOTATIONS_FORMAT = 'tracelane-annotations';
/** Top-level key of a trace exported by tracelane that holds its annotations file. */
export const EMBEDDED_ANNOTATIONS_KEY = 'tracelaneAnnotations';

interface FileEntry {
  label: string;
  startAbsNs: string;
  endAbsNs?: string;
  startMs: number;
  endMs?: number;
  color: string;
  note?: string;
}

function absOf(axisOriginNs: string, ns: number): string {
  return (BigInt(axisOriginNs) + BigInt(Math.round(ns))).toString();
}

export function annotationsToJson(list: readonly Annotation[], axisOriginNs: string, traces: string[] = []): string {
  const annotations: FileEntry[] = sortAnnotations(list).map((a) => {
    const e: FileEntry = { label: a.label, startAbsNs: absOf(axisOriginNs, a.startNs), startMs: a.startNs / 1e6, color: a.color };
    if (a.endNs !== undefined) {
      e.endAbsNs = absOf(axisOriginNs, a.endNs);
      e.endMs = a.endNs / 1e6;
    }
    if (a.note) e.note = a.note;
    return e;
  });
  return JSON.stringify({ format: ANNOTATIONS_FORMAT, version: 1, axisOriginNs, traces, annotations }, null, 2);
}

/**
 * Parse an annotations file onto the current axis. Entries that make no sense are
 * skipped and counted; a file that is not an annotations file throws.
 */
export function annotationsFromJson(text: string, axisOriginNs: string, existing: readonly Annotation[] = []): { annotations: Annotation[]; skipped: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('The file is not JSON.');
  }
  const d = doc as { format?: unknown; annotations?: unknown };
  if (!d || typeof d !== 'object' || d.format !== ANNOTATIONS_FORMAT || !Array.isArray(d.annotations)) {
    throw new Error('The file is not a tracelane annotations file.');
  }
  const origin = BigInt(axisOriginNs);
  const out: Annotation[] = [];
  let skipped = 0;
  for (const raw of d.annotations as unknown[]) {
    const e = raw as Partial<FileEntry>;
    const start = relNs(e?.startAbsNs, origin);
    const end = e?.endAbsNs === undefined ? undefined : relNs(e.endAbsNs, origin);
    if (start === null || end === null || (end !== undefined && !(end > start)) || typeof e.label !== 'string') {
      skipped++;
      continue;
    }
    const color = typeof e.color === 'string' && /^#[0-9a-f]{3,8}$/i.test(e.color) ? e.color : ANNOTATION_COLORS[out.length % ANNOTATION_COLORS.length];
    out.push(
      makeAnnotation([...existing, ...out], {
        startNs: start,
        endNs: end,
        label: e.label.slice(0, 200),
        color,
        note: typeof e.note === 'string' ? e.note.slice(0, 2000) : undefined,
      }),
    );
  }
  return { annotations: out, skipped };
}

function relNs(abs: unknown, origin: bigint): number | null {
  if (typeof abs !== 'string' || !/^-?\d{1,30}$/.test(abs)) return null;
  const v = Number(BigInt(abs) - origin);
  return Number.isFinite(v) ? v : null;
}

const CSV_HEADER = ['label', 'kind', 'start_ms', 'end_ms', 'duration_ms', 'start_abs_ns', 'end_abs_ns', 'color', 'note'];

export function annotationsToCsv(list: readonly Annotation[], axisOriginNs: string): string {
  const rows = sortAnnotations(list).map((a) => [
    a.label,
    a.endNs !== undefined ? 'stage' : 'line',
    msText(a.startNs),
    a.endNs !== undefined ? msText(a.endNs) : '',
    a.endNs !== undefined ? msText(a.endNs - a.startNs) : '',
    absOf(axisOriginNs, a.startNs),
    a.endNs !== undefined ? absOf(axisOriginNs, a.endNs) : '',
    a.color,
    a.note ?? '',
  ]);
  return [CSV_HEADER, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** ms with ns precision, no float noise. */
function msText(ns: number): string {
  return (Math.round(ns) / 1e6).toFixed(6).replace(/\.?0+$/, '');
}

/** RFC 4180 quoting; a leading =+-@ is prefixed with ' so spreadsheets never run a label as a formula. */
export function csvField(v: string): string {
  let s = v;
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
