// A fragment worker as a Node worker thread (nodeWorkers.ts): the browser's fragment worker
// code, given the Worker global scope it uses first (threadScope.ts; imports run in order).
import './threadScope';
import '../../workers/ingest/fragment.worker';
