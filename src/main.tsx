import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installAutomation } from './automation';
import { installViewPersistence, openFromLocation } from './state/viewPersistence';
import { prepareTraceWorker } from './state/traceClient';
import './styles.css';

installAutomation();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// ?url=… (repeatable): each one a trace, all in one timeline; #tl=… the shared view to restore.
installViewPersistence();
// The worker the first load takes, started now (a link's trace takes it too).
prepareTraceWorker();
void openFromLocation();
