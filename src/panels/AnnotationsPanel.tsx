// The annotations list: time order (axis time) with the gap from the previous one's end, click to jump,
// inline edit (label, colour, note), delete, export / import. Labels and notes are
// user text: React text nodes only.

import { useEffect, useRef, useState } from 'react';
import { useStore } from '../state/store';
import { ANNOTATION_COLORS, annotationRows, isStage, type Annotation } from '../model/annotations';
import { annotationsFromJson } from '../model/annotationFiles';
import { formatDuration } from '../model/time';
import { jumpToAnnotation } from '../timeline/annotationActions';
import { downloadAnnotations } from '../export/annotationsDownload';
import '../annotations.css';
import { SidePanel } from './SidePanel';

export function AnnotationsPanel() {
  const annotations = useStore((s) => s.annotations);
  const editing = useStore((s) => s.editingAnnotation);
  const [message, setMessage] = useState<string | null>(null);
  const importRef = useRef<HTMLInputElement>(null);
  const rows = annotationRows(annotations);

  const onImport = async (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!file) return;
    try {
      const s = useStore.getState();
      const { annotations: added, skipped } = annotationsFromJson(await file.text(), s.axisOriginNs, s.annotations);
      s.setAnnotations([...s.annotations, ...added]);
      setMessage(`Imported ${added.length}${skipped ? `, skipped ${skipped} unreadable` : ''}.`);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : 'Could not import the file.');
    }
  };

  return (
    <SidePanel
      id="annotations"
      label="Annotations"
      className="annotations-panel"
      testId="annotations-panel"
      defaultWidth={290}
      head={
        <div className="annotations-head">
          <h2>Annotations</h2>
          <span className="spacer" />
          <button className="button small" onClick={() => importRef.current?.click()} title="Import annotations from a JSON file">
            Import
          </button>
          <button className="button small" disabled={!annotations.length} onClick={() => downloadAnnotations('json')} data-testid="export-annotations-json">
            JSON
          </button>
          <button className="button small" disabled={!annotations.length} onClick={() => downloadAnnotations('csv')} data-testid="export-annotations-csv">
            CSV
          </button>
          <input ref={importRef} type="file" accept=".json,application/json" className="visually-hidden" tabIndex={-1} data-testid="import-annotations" onChange={onImport} />
        </div>
      }
    >
      {message && (
        <p className="annotations-message" role="status">
          {message}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="empty-state">Press M for a stage of the selected range or slice (else a line at the hovered slice), Shift+M to name it too, or right-click a slice.</p>
      ) : (
        <ol className="annotation-list">
          {rows.map(({ a, deltaNs }) => (
            <li key={a.id}>
              <AnnotationRow a={a} deltaNs={deltaNs} editing={editing === a.id} />
            </li>
          ))}
        </ol>
      )}
    </SidePanel>
  );
}

function AnnotationRow({ a, deltaNs, editing }: { a: Annotation; deltaNs: number | null; editing: boolean }) {
  const st = useStore.getState;
  const stage = isStage(a);
  // The stage the analysis drawer covers (its range is the selected one).
  const current = useStore((s) => stage && s.range?.startNs === a.startNs && s.range?.endNs === a.endNs);
  return (
    <div className={`annotation-row${editing ? ' editing' : ''}${current ? ' current' : ''}`} aria-current={current || undefined}>
      <button
        className="annotation-main"
        data-testid="annotation-row"
        data-start-ns={String(a.startNs)}
        data-end-ns={stage ? String(a.endNs) : undefined}
        data-label={a.label}
        onClick={() => jumpToAnnotation(a.id)}
        title={stage ? 'Jump to it and select its range' : 'Jump to it'}
      >
        <span className="annotation-swatch" style={{ background: a.color }} aria-hidden="true" />
        <span className="annotation-label">{a.label}</span>
        <span className="annotation-time" data-testid="annotation-time">
          {formatDuration(a.startNs)}
          {stage && <span className="annotation-dur"> · {formatDuration(a.endNs! - a.startNs)} long</span>}
        </span>
        {deltaNs !== null && (
          <span className="annotation-delta" data-testid="annotation-delta">
            {deltaNs >= 0 ? `+${formatDuration(deltaNs)} after previous` : `overlaps previous by ${formatDuration(-deltaNs)}`}
          </span>
        )}
        {a.note && !editing && <span className="annotation-note">{a.note}</span>}
      </button>
      <div className="annotation-tools">
        <button className="icon-button" aria-label={`Edit ${a.label}`} title="Edit" onClick={() => st().setEditingAnnotation(editing ? null : a.id)}>
          ✎
        </button>
        <button className="icon-button" aria-label={`Delete ${a.label}`} title="Delete" data-testid="delete-annotation" onClick={() => st().removeAnnotation(a.id)}>
          ×
        </button>
      </div>
      {editing && <AnnotationEditor a={a} />}
    </div>
  );
}

function AnnotationEditor({ a }: { a: Annotation }) {
  const [label, setLabel] = useState(a.label);
  const [note, setNote] = useState(a.note ?? '');
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);
  const save = () => {
    const s = useStore.getState();
    s.updateAnnotation(a.id, { label: label.trim() || a.label, note: note.trim() || undefined });
    s.setEditingAnnotation(null);
  };
  return (
    <form
      className="annotation-editor"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      onKeyDown={(e) => e.key === 'Escape' && useStore.getState().setEditingAnnotation(null)}
    >
      <input ref={inputRef} value={label} maxLength={200} aria-label="Label" data-testid="annotation-label-input" onChange={(e) => setLabel(e.currentTarget.value)} />
      <div className="annotation-colors" role="radiogroup" aria-label="Colour">
        {ANNOTATION_COLORS.map((c) => (
          <button
            type="button"
            key={c}
            role="radio"
            aria-checked={c === a.color}
            aria-label={c}
            className={`annotation-color${c === a.color ? ' active' : ''}`}
            style={{ background: c }}
            onClick={() => useStore.getState().updateAnnotation(a.id, { color: c })}
          />
        ))}
      </div>
      <textarea value={note} rows={2} maxLength={2000} placeholder="Note (optional)" aria-label="Note" onChange={(e) => setNote(e.currentTarget.value)} />
      <div className="annotation-editor-actions">
        <button className="button small primary" type="submit">
          Save
        </button>
        <button className="button small" type="button" onClick={() => useStore.getState().setEditingAnnotation(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
