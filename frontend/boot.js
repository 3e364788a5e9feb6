// Starts the SPA. A module of its own rather than an inline <script>, so that a
// Content-Security-Policy of `script-src 'self' 'wasm-unsafe-eval'` is enough.
// Template: scripts/build-frontend.sh replaces the two asset paths with their
// content-hashed names and hashes this file too.
import init from '/herald.js';

// The boot text in the reader's language, as the app will choose it (src/i18n/mod.rs):
// the stored choice, else the browser's language, else English.
const TEXTS = {
  en: {
    loading: 'Loading Herald…',
    failed: 'Herald could not start in this browser. Reload the page; if that does not help, try another browser.',
  },
  ru: {
    loading: 'Загрузка Herald…',
    failed: 'Herald не запускается в этом браузере. Обновите страницу; если не поможет, попробуйте другой браузер.',
  },
};

function language() {
  let chosen = null;
  try {
    chosen = localStorage.getItem('herald.lang');
  } catch (_) {
    // Storage blocked: fall back to the browser's language.
  }
  const code = (chosen || navigator.language || 'en').toLowerCase();
  return code.startsWith('ru') ? 'ru' : 'en';
}

const lang = language();
const boot = document.getElementById('herald-boot');
if (boot) {
  boot.textContent = TEXTS[lang].loading;
  boot.lang = lang;
}
document.documentElement.lang = lang;

init({ module_or_path: '/herald_bg.wasm' }).catch((err) => {
  console.error(err);
  if (boot) {
    boot.textContent = TEXTS[lang].failed;
    boot.className = 'boot boot-error';
  }
});
