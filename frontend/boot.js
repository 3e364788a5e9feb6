// Starts the SPA. A module of its own rather than an inline <script>, so that a
// Content-Security-Policy of `script-src 'self' 'wasm-unsafe-eval'` is enough.
// Template: scripts/build-frontend.sh replaces the two asset paths with their
// content-hashed names and hashes this file too.
import init from '/herald.js';

init({ module_or_path: '/herald_bg.wasm' }).catch((err) => {
  console.error(err);
  const boot = document.getElementById('herald-boot');
  if (boot) {
    boot.textContent =
      'Herald could not start in this browser. Reload the page; if that does not help, try another browser.';
    boot.className = 'boot boot-error';
  }
});
