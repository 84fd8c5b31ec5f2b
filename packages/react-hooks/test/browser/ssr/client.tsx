/**
 * Hydrates the server-rendered page with the props it was rendered with (a JSON
 * script in the HTML), recording every list the DOM shows from before hydration on,
 * and any hydration mismatch React reports.
 */
import { hydrateRoot } from 'react-dom/client';
import { SnapshotPage, type SnapshotPageProps } from './snapshot-page';

declare global {
  interface Window {
    __lists: number[][];
    __hydrationErrors: string[];
  }
}

const shown = () => [...document.querySelectorAll<HTMLElement>('#updates li')].map((li) => Number(li.dataset.seq));
window.__lists = [shown()];
window.__hydrationErrors = [];
new MutationObserver(() => window.__lists.push(shown())).observe(document.body, {
  subtree: true,
  childList: true,
  characterData: true,
});
const props = JSON.parse(document.getElementById('props')?.textContent ?? '{}') as SnapshotPageProps;
hydrateRoot(document.getElementById('root') as HTMLElement, <SnapshotPage {...props} />, {
  onRecoverableError: (error) => window.__hydrationErrors.push(String(error)),
});
