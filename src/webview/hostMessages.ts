/** What each message from the host does: one handler per HostMessage type, each a store or view method. */
import type { HostMessage, HostMessageOf } from '../protocol';
import type { ColumnsArea } from './columnsArea';
import type { HistoryList } from './historyList';
import type { NoticeBar } from './noticeBar';
import type { PlaygroundStore } from './playgroundStore';
import type { PromptForm } from './promptForm';

export type HostMessageHandlers = { [Type in HostMessage['type']]: (message: HostMessageOf<Type>) => void };

export interface PlaygroundViews {
  store: PlaygroundStore;
  form: PromptForm;
  columns: ColumnsArea;
  history: HistoryList;
  notice: NoticeBar;
}

export function hostMessageHandlers({ store, form, columns, history, notice }: PlaygroundViews): HostMessageHandlers {
  return {
    init: (message) => {
      store.setDeployments(message.deployments, true);
      store.setSets(message.sets);
      history.show(message.history, message.historyEnabled);
    },
    deployments: (message) => store.setDeployments(message.deployments),
    sets: (message) => store.setSets(message.sets),
    history: (message) => history.show(message.history, message.historyEnabled),
    runStarted: (message) => {
      store.startRun(message.runId, message.iteration, message.repeat);
      if (message.prompt) {
        // a full run (or a reopened one): new columns, and the inputs it was made with
        const { system, prompt, variables } = message.prompt;
        form.fill({ system, prompt, variables });
        columns.build(message.deploymentIds);
        store.setBadges(null);
      } else {
        columns.replace(message.deploymentIds);
      }
      columns.startFrames();
    },
    deltas: (message) => {
      if (message.runId === store.runId) columns.appendText(message.chunks);
    },
    columnStatus: (message) => {
      if (message.runId === store.runId) columns.setStatus(message.deploymentId, message.status, message.note, message.ttftMs);
    },
    columnResult: (message) => {
      columns.finish(message.result);
      // the state (with every answer's text) is saved once the run ends, not on each column: it is copied whole each time
      if (!store.running) store.save();
    },
    runFinished: (message) => {
      store.finishRun(message.badges);
      columns.showBadges(message.badges);
      columns.showSpreads(message.summary ?? []);
      columns.updateChart();
      store.save();
    },
    notice: (message) => notice.show(message.level, message.text),
    setPrompt: (message) => {
      form.fill({ prompt: message.prompt, system: message.system, variables: message.variables, params: message.params });
      store.select(message.selected.filter((id) => store.deployments.some((deployment) => deployment.id === id && deployment.runnable)));
      form.focusPrompt();
    },
  };
}

export function dispatchHostMessage(handlers: HostMessageHandlers, message: HostMessage): void {
  (handlers[message.type] as ((message: HostMessage) => void) | undefined)?.(message);
}
