import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/context';
import { createTrayApi } from './api/tray-api';
import { App } from './App';
import './styles.css';
import './layout.css';

const root = document.getElementById('root')!;
createRoot(root).render(
  <StrictMode>
    <ApiProvider api={createTrayApi()}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
