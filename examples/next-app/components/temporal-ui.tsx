'use client';
import { createContext, useContext, type ReactNode } from 'react';

/** Where the Temporal web UI is, when the app was told (TEMPORAL_UI_URL). */
export interface TemporalUi {
  baseUrl: string;
  namespace: string;
}

const TemporalUiContext = createContext<TemporalUi | null>(null);

/** Provides the web UI's location to every link below it; `ui` null renders no links. */
export function TemporalUiProvider({ ui, children }: { ui: TemporalUi | null; children: ReactNode }) {
  return <TemporalUiContext.Provider value={ui}>{children}</TemporalUiContext.Provider>;
}

/** The web UI's page of one workflow, or undefined when the app has no UI to link to. */
export function useWorkflowUrl(workflowId: string): string | undefined {
  const ui = useContext(TemporalUiContext);
  if (!ui) return undefined;
  const base = ui.baseUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** "Open in Temporal": a link to the workflow's history in the web UI (nothing without a UI). */
export function WorkflowLink({ workflowId, label = 'Temporal UI ↗' }: { workflowId: string; label?: string }) {
  const href = useWorkflowUrl(workflowId);
  if (!href) return null;
  return (
    <a className="ui-link small" href={href} target="_blank" rel="noreferrer" data-testid="temporal-ui-link">
      {label}
    </a>
  );
}
