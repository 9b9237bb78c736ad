import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
// The panel's Persian typeface, served with the panel (no font CDN: customers' networks may be closed).
import 'vazirmatn/Vazirmatn-font-face.css';
import './app/global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { applyLangToDocument, storedLang } from './i18n/i18n.tsx';

// Persian unless this device chose otherwise; set before the first paint so nothing flips.
const lang = storedLang() ?? 'fa';
applyLangToDocument(lang);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App initialLang={lang} />
  </StrictMode>,
);
