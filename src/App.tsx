import { useEffect, useRef, useState } from 'react';
import { isSettled, useStore } from './state/store';
import { cancelAll, lastWorkerFailure, loadSources } from './state/traceClient';
import { fileSource, localIndexSources, pickedFolder, sampleSource, sourcesFromDrop } from './state/sources';
import { Landing } from './panels/Landing';
import { LoadProgressPanel } from './panels/LoadProgress';
import { HelpOverlay } from './panels/HelpOverlay';
import { DetailsPanel } from './panels/DetailsPanel';
import { AnnotationsPanel } from './panels/AnnotationsPanel';
import { AppNotices, RestoreNotice, ShareControls } from './panels/ShareControls';
import { Timeline } from './timeline/Timeline';
import { AnalysisDrawer } from './panels/AnalysisDrawer';
import { SearchBar } from './panels/analysis/SearchBar';
import { StallPanel } from './panels/StallPanel';
import { CHOOSE_RANKS_ABOVE, RankChooser } from './panels/RankChooser';
import type { TraceSource } from './model/types';
import { TracesPanel } from './panels/TracesPanel';
import { tracesAreRanks } from './state/traceLabel';
import { BudgetActions } from './panels/BudgetActions';
import { PartChooser } from './panels/PartChooser';
import { linkParts } from './state/viewPersistence';
import { traceKeyFromName } from './model/keys';
import { WorkerFailureActions } from './panels/WorkerFailureActions';
import { LaneRulesPanel } from './panels/LaneRulesPanel';
import { FlameGraphView } from './panels/FlameGraphView';
import { JoinOffer } from './panels/JoinOffer';

export function App() {
  const traceState = useStore((s) => s.traceState);
  const traces = useStore((s) => s.traces);
  const error = useStore((s) => s.error);
  const warnings = useStore((s) => s.warnings);
  const helpOpen = useStore((s) => s.helpOpen);
  const [dragging, setDragging] = useState(false);
  const [tracesOpen, setTracesOpen] = useState(false);
  const [rulesOpen, setRulesOpen] = useState(false);
  // The annotations column shows itself once there are annotations; until then it is opened on demand.
  const annotationCount = useStore((s) => s.annotations.length);
  const [annotationsPanel, setAnnotationsPanel] = useState<'auto' | 'open' | 'closed'>('auto');
  // Shift+M asks for the new annotation's name there, so editing shows the column too.
  const editingAnnotation = useStore((s) => s.editingAnnotation !== null);
  const annotationsShown = annotationsPanel === 'open' || (annotationsPanel === 'auto' && annotationCount > 0) || editingAnnotation;
  const [choosing, setChoosing] = useState<TraceSource[] | null>(null);
  // "Open part of it…": the trace whose counting pass and chooser are shown (PartChooser).
  const [partOf, setPartOf] = useState<TraceSource | null>(null);
  const partInput = useRef<HTMLInputElement>(null);
  const indexInput = useRef<HTMLInputElement>(null);
  // Many traces at once (a folder of ranks): let the user pick which to open.
  // A link that asked for its files opens the parts of traces it recorded.
  const openSources = (sources: TraceSource[]) => (sources.length > CHOOSE_RANKS_ABOVE ? setChoosing(sources) : loadSources(sources, { keep: linkParts() }));
  const fileInput = useRef<HTMLInputElement>(null);
  // A job's ranks not opened yet (deferred, opening) do not hold the timeline back: they open as they scroll into view.
  const allLoaded = traces.some((t) => t.status === 'ready') && traces.every(isSettled);

  // Drop files or folders anywhere on the page.
  useEffect(() => {
    let depth = 0;
    const isFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!isFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!isFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (!depth) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (!isFiles(e)) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    };
    const onDrop = async (e: DragEvent) => {
      if (!isFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const sources = await sourcesFromDrop(e.dataTransfer!);
      if (sources.length) openSources(sources);
      else useStore.getState().fail('No trace files found in what was dropped.');
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  const openPicker = () => fileInput.current?.click();
  const onPicked = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.currentTarget.files ?? []);
    e.currentTarget.value = '';
    if (files.length) openSources(files.map((f) => fileSource(f)));
  };
  const openSample = () => loadSources([sampleSource()]);
  const onPickedIndex = (e: React.ChangeEvent<HTMLInputElement>) => {
    const { folder, files } = pickedFolder(Array.from(e.currentTarget.files ?? []));
    e.currentTarget.value = '';
    if (!files.length) return;
    const sources = localIndexSources(folder, files);
    if (sources.length) openSources(sources);
    else useStore.getState().fail(`${folder} is not an index folder: it holds no manifest.json, nor do its subfolders. Choose a folder written by npm run index (its --out folder, or one trace's folder in it).`);
  };
  const onPickedPart = (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (file) setPartOf(fileSource(file));
  };

  const showTimeline = allLoaded && traceState !== 'error';
  // Aggregate profiles (collapsed stacks) have no times: a flame graph instead of the
  // timeline when they are all that is open, else one top-bar button each.
  const [flameChoice, setFlameChoice] = useState<string | null>(null);
  const flameTraces = traces.filter((t) => t.result?.flame);
  const onlyFlame = flameTraces.length > 0 && flameTraces.length === traces.length;
  const flameShown = flameTraces.find((t) => t.key === flameChoice) ?? (onlyFlame ? flameTraces[0] : undefined);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand" title="tracelane">
          <img className="brand-logo" src="./favicon.svg" alt="" width={18} height={18} />
          <span className="brand-name">tracelane</span>
        </span>
        {traces.length > 0 && (
          <span className="trace-names" title={traces.map((t) => t.name).join(', ')}>
            {traces.map((t) => t.name).join(' · ')}
          </span>
        )}
        {showTimeline && <SearchBar />}
        <span className="spacer" />
        {showTimeline &&
          (flameTraces.length > 1 || !onlyFlame) &&
          flameTraces.map((t) => (
            <button key={t.key} className="button" data-testid="flame-button" aria-pressed={flameShown === t} title="Aggregate profile: samples, no times" onClick={() => setFlameChoice(flameShown === t && !onlyFlame ? null : t.key)}>
              Flame graph: {t.name}
            </button>
          ))}
        {showTimeline && <ShareControls />}
        {traces.length > 0 && (
          <>
            <button
              className="button"
              data-testid="annotations-button"
              aria-pressed={annotationsShown}
              title="Show or hide the annotations panel"
              onClick={() => setAnnotationsPanel(annotationsShown ? 'closed' : 'open')}
            >
              Annotations{annotationCount ? ` (${annotationCount})` : ''}
            </button>
            <button className="button" data-testid="traces-button" aria-pressed={tracesOpen} onClick={() => setTracesOpen(!tracesOpen)}>
              {traces.length > 1 ? `${tracesAreRanks(traces) ? 'Ranks' : 'Traces'} (${traces.length})` : 'Trace'}
            </button>
            <button className="button" data-testid="lane-rules-button" aria-pressed={rulesOpen} title="How other tools' categories become lanes" onClick={() => setRulesOpen(!rulesOpen)}>
              Lane rules
            </button>
            <button className="button" onClick={openPicker} title="Open trace files (or drop them anywhere)">
              Open…
            </button>
            <button className="button" onClick={cancelAll}>
              Close
            </button>
          </>
        )}
        <button className="button icon" aria-label="Keyboard and mouse help" title="Help (?)" onClick={() => useStore.getState().setHelpOpen(!helpOpen)}>
          ?
        </button>
        <input ref={fileInput} type="file" multiple data-testid="file-input" className="visually-hidden" tabIndex={-1} onChange={onPicked} />
        <input ref={partInput} type="file" data-testid="part-file-input" className="visually-hidden" tabIndex={-1} onChange={onPickedPart} />
        <input ref={indexInput} type="file" {...{ webkitdirectory: '' }} data-testid="index-folder-input" className="visually-hidden" tabIndex={-1} onChange={onPickedIndex} />
      </header>
      <RestoreNotice />
      {showTimeline && <AppNotices />}

      {warnings.length > 0 && showTimeline && (
        <div className="banner warning" data-testid="load-warning" role="status">
          <strong>{warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}:</strong>
          <ul>
            {warnings.slice(0, 5).map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
            {warnings.length > 5 && <li>…and {warnings.length - 5} more</li>}
          </ul>
        </div>
      )}

      {showTimeline && <JoinOffer />}

      <main className="main">
        {partOf ? (
          <PartChooser
            source={partOf}
            onCancel={() => setPartOf(null)}
            onOpen={(choice) => {
              setPartOf(null);
              // A single trace: its key is its file name's (traceClient.loadSources).
              loadSources([partOf], { keep: { [traceKeyFromName(partOf.name, new Set())]: choice } });
            }}
          />
        ) : choosing ? (
          <RankChooser
            sources={choosing}
            onCancel={() => setChoosing(null)}
            onOpenPart={(source) => {
              setChoosing(null);
              setPartOf(source);
            }}
            onOpen={(chosen) => {
              setChoosing(null);
              loadSources(chosen);
            }}
          />
        ) : traceState === 'error' ? (
          <div className="center-card">
            <div className="error-box" role="alert">
              <h2>{lastWorkerFailure(error) ? 'The trace worker stopped' : 'Could not open the trace'}</h2>
              <p data-testid="load-error">{error}</p>
              <BudgetActions
                onChooseRanks={setChoosing}
                onOpenPart={(source) => {
                  // The refused load is over: the chooser starts from a clean page.
                  cancelAll();
                  setPartOf(source);
                }}
              />
              <WorkerFailureActions error={error} onChooseRanks={setChoosing} />
              <button className="button" onClick={cancelAll}>
                Back
              </button>
            </div>
          </div>
        ) : traces.length === 0 ? (
          <Landing onPick={openPicker} onSample={openSample} onPickPart={() => partInput.current?.click()} onPickIndex={() => indexInput.current?.click()} />
        ) : !allLoaded ? (
          <LoadProgressPanel />
        ) : (
          <div className="workspace">
            <div className="workspace-column">
              {flameShown ? (
                <FlameGraphView key={flameShown.key} flame={flameShown.result!.flame!} fileName={flameShown.name} />
              ) : (
                <>
                  <Timeline />
                  <AnalysisDrawer />
                </>
              )}
            </div>
            <DetailsPanel />
            {annotationsShown && <AnnotationsPanel />}
            <StallPanel />
            {tracesOpen && <TracesPanel onClose={() => setTracesOpen(false)} />}
            {rulesOpen && <LaneRulesPanel onClose={() => setRulesOpen(false)} />}
          </div>
        )}
      </main>

      {dragging && (
        <div className="drop-overlay">
          <div>Drop trace files or folders to open them</div>
        </div>
      )}
      {helpOpen && <HelpOverlay onClose={() => useStore.getState().setHelpOpen(false)} />}
    </div>
  );
}
