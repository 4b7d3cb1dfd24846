// Export: the current view as a PNG, the visible window (or selected range) as a
// smaller Chrome trace with the annotations inside.

import { useEffect, useRef, useState } from 'react';
import { useStore } from '../state/store';
import { currentViewPng } from '../export/png';
import { exportVisibleWindow } from '../export/traceWindow';
import { downloadBlob, exportStem } from '../export/download';

export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const hasRange = useStore((s) => !!s.range && s.range.endNs !== s.range.startNs);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('pointerdown', onDown, true);
    return () => window.removeEventListener('pointerdown', onDown, true);
  }, [open]);

  const run = (fn: () => Promise<unknown>) => async () => {
    setOpen(false);
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  const png = async () => {
    const blob = await currentViewPng();
    if (blob) downloadBlob(blob, `${exportStem(useStore.getState().traces.map((t) => t.name))}.png`);
  };

  return (
    <div className="export-menu" ref={ref}>
      <button className="button" data-testid="export-menu" aria-haspopup="menu" aria-expanded={open} disabled={busy} onClick={() => setOpen(!open)}>
        {busy ? 'Exporting…' : 'Export ▾'}
      </button>
      {open && (
        <div className="annotation-menu" role="menu">
          <button role="menuitem" className="annotation-menu-item" data-testid="export-png" onClick={run(png)}>
            View as PNG
          </button>
          <button role="menuitem" className="annotation-menu-item" data-testid="export-trace-window" onClick={run(exportVisibleWindow)}>
            {hasRange ? 'Selected range' : 'Visible window'} as trace (.json.gz)
          </button>
        </div>
      )}
    </div>
  );
}
