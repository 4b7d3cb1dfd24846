// Save a Blob as a file the way every browser allows: an object URL on a temporary link.

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A file name stem from the open traces, safe on every OS. */
export function exportStem(traceNames: string[]): string {
  const base = traceNames.map((n) => n.replace(/\.(json|gz|txt)+$/gi, '').replace(/(\.json)?\.gz$/i, '')).join('+') || 'trace';
  return base.replace(/[^\w.+-]+/g, '_').slice(0, 80);
}
