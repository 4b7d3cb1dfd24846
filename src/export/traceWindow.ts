// Export the visible window (or the selected range) of each open trace as a smaller
// Chrome trace (.json.gz) with the annotations inside: as events any viewer shows,
// and as tracelane's annotations file under "tracelaneAnnotations", which tracelane
// restores when the file is opened.

import { annotationsToJson, EMBEDDED_ANNOTATIONS_KEY } from '../model/annotationFiles';
import { useStore } from '../state/store';
import { exportTraceWindow } from '../state/traceClient';
import { downloadBlob, exportStem } from './download';

/** The window to export: the selected range when there is one, else the visible viewport (global-axis ns). */
export function exportWindowSpan(): { startNs: number; endNs: number; fromRange: boolean } {
  const st = useStore.getState();
  const r = st.range;
  if (r && Math.abs(r.endNs - r.startNs) > 0) return { startNs: Math.min(r.startNs, r.endNs), endNs: Math.max(r.startNs, r.endNs), fromRange: true };
  return { ...st.viewport, fromRange: false };
}

export async function exportVisibleWindow(): Promise<number> {
  const st = useStore.getState();
  const { startNs, endNs } = exportWindowSpan();
  const inWindow = st.annotations.filter((a) => (a.endNs ?? a.startNs) >= startNs && a.startNs <= endNs);
  const annotationsFile = JSON.parse(annotationsToJson(inWindow, st.axisOriginNs, st.traces.map((t) => t.name)));
  let files = 0;
  for (const t of st.traces) {
    if (!t.result) continue;
    const gz = await exportTraceWindow(t.key, {
      startNs: startNs - t.shiftNs,
      endNs: endNs - t.shiftNs,
      markers: inWindow.map((a) => ({ label: a.label, note: a.note, startNs: a.startNs - t.shiftNs, endNs: a.endNs === undefined ? undefined : a.endNs - t.shiftNs })),
      extra: { [EMBEDDED_ANNOTATIONS_KEY]: annotationsFile },
    });
    if (!gz) continue;
    const ms = (n: number) => Math.round(n / 1e6);
    downloadBlob(new Blob([gz as BlobPart], { type: 'application/gzip' }), `${exportStem([t.name])}.${ms(startNs - st.extent.startNs)}-${ms(endNs - st.extent.startNs)}ms.json.gz`);
    files++;
  }
  return files;
}
