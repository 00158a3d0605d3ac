/** What each message from the host does: one handler per HostMessage type, each a store or view method. */
import type { HostMessage, HostMessageOf } from '../protocol';
import type { ColumnsArea } from './columnsArea';
import type { FollowUpBox } from './followUpBox';
import type { FormatPanel } from './formatPanel';
import type { HistoryList } from './historyList';
import type { NoticeBar } from './noticeBar';
import type { PlaygroundStore } from './playgroundStore';
import type { PromptForm } from './promptForm';
import type { ToolResultsPanel } from './toolResultsPanel';
import type { ToolsPanel } from './toolsPanel';

export type HostMessageHandlers = { [Type in HostMessage['type']]: (message: HostMessageOf<Type>) => void };

export interface PlaygroundViews {
  store: PlaygroundStore;
  form: PromptForm;
  columns: ColumnsArea;
  history: HistoryList;
  notice: NoticeBar;
  tools: ToolsPanel;
  format: FormatPanel;
  toolResults: ToolResultsPanel;
  followUp: FollowUpBox;
}

/** The conversation's controls follow the columns: the calls waiting for results, who can take a next turn. */
export function showConversation({ store, columns, toolResults, followUp }: PlaygroundViews): void {
  toolResults.show(columns.awaitingCalls(), store.running);
  followUp.show(columns.followable(), store.running);
}

export function hostMessageHandlers(views: PlaygroundViews): HostMessageHandlers {
  const { store, form, columns, history, notice, tools, format } = views;
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
        const { system, prompt, variables, reasoning, images } = message.prompt;
        form.fill({ system, prompt, variables, reasoning, images });
        if (message.prompt.tools !== undefined) tools.fill(message.prompt.tools, message.prompt.toolChoice ?? 'auto');
        if (message.prompt.format) format.fill(message.prompt.format);
        columns.build(message.deploymentIds, message.threads);
        views.followUp.reset();
        store.setBadges(null);
      } else {
        // a next turn, or one column again: those columns start afresh below their earlier turns
        columns.replace(message.deploymentIds, message.threads);
      }
      showConversation(views);
      columns.startFrames();
    },
    deltas: (message) => {
      if (message.runId === store.runId) columns.appendText(message.chunks);
    },
    columnStatus: (message) => {
      if (message.runId === store.runId) columns.setStatus(message.deploymentId, message.status, message.note, message.ttftMs, message.ttfrMs ?? null);
    },
    columnResult: (message) => {
      columns.finish(message.result);
      showConversation(views);
      // the state (with every answer's text) is saved once the run ends, not on each column: it is copied whole each time
      if (!store.running) store.save();
    },
    runFinished: (message) => {
      store.finishRun(message.badges);
      columns.showBadges(message.badges);
      columns.showSpreads(message.summary ?? []);
      columns.updateChart();
      showConversation(views);
      store.save();
    },
    notice: (message) => notice.show(message.level, message.text),
    imagesAdded: (message) => store.addImages(message.images),
    setPrompt: (message) => {
      form.fill({ prompt: message.prompt, system: message.system, variables: message.variables, params: message.params, reasoning: message.reasoning, images: message.images });
      if (message.tools !== undefined) tools.fill(message.tools, message.toolChoice ?? 'auto');
      if (message.format) format.fill(message.format);
      store.select(message.selected.filter((id) => store.deployments.some((deployment) => deployment.id === id && deployment.runnable)));
      form.focusPrompt();
    },
  };
}

export function dispatchHostMessage(handlers: HostMessageHandlers, message: HostMessage): void {
  (handlers[message.type] as ((message: HostMessage) => void) | undefined)?.(message);
}
