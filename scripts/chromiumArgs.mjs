// The flags every automated Chromium of ours runs with: the e2e tests, the bench and its probes.
// One list, so a timing in the bench and a run of the tests see the same browser.

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // CI containers often have a 64 MB /dev/shm; Chromium crashes when it fills up.
  '--disable-dev-shm-usage',
  // Headless Chromium 156 builds each new window's WebUI omnibox popup in a renderer of its own:
  // 0.5–0.7 s of CPU over the 2.5 s after a context opens (a Chromium trace of three contexts,
  // 2026-12-05), the very seconds a bench run picks its file in. On two cores that was timed as
  // the app's load. A user's browser built its popup when its window opened, long before.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI',
];
