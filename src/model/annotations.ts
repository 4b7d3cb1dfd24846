// Annotation lines (one instant) and stages (a named range). Times are global-axis
// ns, so every lane of every loaded trace shows them at the same axis instant and
// zoom, pan and per-trace shifts never detach them. Pure: no store, no DOM.

export interface Annotation {
  id: string;
  /** Global-axis ns of the line, or of the stage's start. */
  startNs: number;
  /** Stages only: global-axis ns of the end (> startNs). */
  endNs?: number;
  label: string;
  /** CSS colour from ANNOTATION_COLORS (any CSS colour is accepted from imports). */
  color: string;
  note?: string;
}

/** Distinct and readable on light and dark backgrounds; assigned in turn. */
export const ANNOTATION_COLORS = ['#e5484d', '#2f8fe0', '#30a46c', '#d9822b', '#8e4ec6', '#d6409f', '#12a594', '#a18072'];

export function isStage(a: Annotation): a is Annotation & { endNs: number } {
  return a.endNs !== undefined && a.endNs > a.startNs;
}

/** Lines and stages in time order (stages by their start; ties: earlier end first, then label). */
export function sortAnnotations(list: readonly Annotation[]): Annotation[] {
  return [...list].sort((a, b) => a.startNs - b.startNs || (a.endNs ?? a.startNs) - (b.endNs ?? b.startNs) || a.label.localeCompare(b.label));
}

let idCounter = 0;
export function newAnnotationId(): string {
  idCounter = (idCounter + 1) % 1e6;
  return `a${Date.now().toString(36)}${idCounter.toString(36)}`;
}

/** The colour following the last one used, so neighbours differ. */
export function nextColor(list: readonly Annotation[]): string {
  const last = list[list.length - 1];
  const i = last ? ANNOTATION_COLORS.indexOf(last.color) : -1;
  return ANNOTATION_COLORS[(i + 1) % ANNOTATION_COLORS.length];
}

/** "Mark 3" / "Stage 2": numbered by kind so labels stay unique enough to talk about. */
export function defaultLabel(list: readonly Annotation[], stage: boolean): string {
  const n = list.filter((a) => isStage(a) === stage).length + 1;
  return stage ? `Stage ${n}` : `Mark ${n}`;
}

export function makeAnnotation(
  list: readonly Annotation[],
  fields: { startNs: number; endNs?: number; label?: string; color?: string; note?: string },
): Annotation {
  const stage = fields.endNs !== undefined && fields.endNs > fields.startNs;
  const a: Annotation = {
    id: newAnnotationId(),
    startNs: fields.startNs,
    label: fields.label?.trim() || defaultLabel(list, stage),
    color: fields.color || nextColor(list),
  };
  if (stage) a.endNs = fields.endNs;
  if (fields.note) a.note = fields.note;
  return a;
}

/** Rows for the annotations panel: time order, with the gap from the previous entry's start. */
export function annotationRows(list: readonly Annotation[]): { a: Annotation; deltaNs: number | null }[] {
  const sorted = sortAnnotations(list);
  // The gap people read between two items is from where the first ends to where the next begins.
  return sorted.map((a, i) => ({ a, deltaNs: i === 0 ? null : a.startNs - (sorted[i - 1].endNs ?? sorted[i - 1].startNs) }));
}
