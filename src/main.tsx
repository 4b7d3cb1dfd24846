import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installAutomation } from './automation';
import { loadSources } from './state/traceClient';
import { urlParamSources } from './state/sources';
import './styles.css';

installAutomation();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// ?url=… (repeatable): each one a trace, all in one timeline.
const fromUrl = urlParamSources();
if (fromUrl.length) loadSources(fromUrl);
