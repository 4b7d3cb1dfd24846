// The annotations as a file download (JSON to import again, CSV for spreadsheets):
// from the annotations panel, and from the notice when the browser cannot save them.

import { useStore } from '../state/store';
import { annotationsToCsv, annotationsToJson } from '../model/annotationFiles';
import { downloadBlob, exportStem } from './download';

export function downloadAnnotations(kind: 'json' | 'csv'): void {
  const s = useStore.getState();
  const names = s.traces.map((t) => t.name);
  const text = kind === 'json' ? annotationsToJson(s.annotations, s.axisOriginNs, names) : annotationsToCsv(s.annotations, s.axisOriginNs);
  downloadBlob(new Blob([text], { type: kind === 'json' ? 'application/json' : 'text/csv' }), `${exportStem(names)}.annotations.${kind}`);
}
