/**
 * The playground UI, wired: one state store, the views that show and change it, and the handlers for the
 * host's messages. Talks to its host only through the typed protocol; the store keeps the inputs and the last
 * results in the webview state, so a reload brings them back.
 */
import type { HostMessage, WebviewMessage } from '../protocol';
import { ColumnsArea } from './columnsArea';
import { DeploymentPicker } from './deploymentPicker';
import { h } from './dom';
import { HistoryList } from './historyList';
import { ImageAttachments } from './imageAttachments';
import { FollowUpBox } from './followUpBox';
import { FormatPanel } from './formatPanel';
import { dispatchHostMessage, hostMessageHandlers, showConversation, type PlaygroundViews } from './hostMessages';
import { NoticeBar } from './noticeBar';
import { PlaygroundStore, type SavedState } from './playgroundStore';
import { PromptForm } from './promptForm';
import { Toolbar } from './toolbar';
import { ToolResultsPanel } from './toolResultsPanel';
import { ToolsPanel } from './toolsPanel';

const vscode = acquireVsCodeApi<SavedState>();
const post = (message: WebviewMessage): void => vscode.postMessage(message);

const store = new PlaygroundStore(vscode, () => columns.snapshots());
const followUp = new FollowUpBox(post);
const columns: ColumnsArea = new ColumnsArea(store, post, (count) => toolbar.setComparable(count), (id) => followUp.focusOn(id));
const toolResults = new ToolResultsPanel(post);
const notice = new NoticeBar();
const images = new ImageAttachments(store, post, (text) => notice.show('error', text));
const form = new PromptForm(store, images);
const tools = new ToolsPanel(store);
const format = new FormatPanel(store);
const picker = new DeploymentPicker(store, post, (text) => notice.show('error', text));
const history = new HistoryList(post);
const toolbar: Toolbar = new Toolbar(store, post, {
  run: () => {
    store.save();
    const request = store.runRequest();
    if (request) post(request);
  },
  compare: () => {
    const picked = columns.comparePicks();
    if (picked.length === 2) post({ type: 'compare', left: picked[0]!, right: picked[1]! });
  },
});

document.getElementById('app')!.append(
  toolbar.element,
  notice.element,
  h('div', { class: 'layout' },
    h('aside', { class: 'inputs', 'aria-label': 'Inputs' }, ...form.elements, tools.element, format.element, picker.element, history.element),
    h('div', { class: 'conversation' }, toolResults.element, columns.element, followUp.element)),
);

const views: PlaygroundViews = { store, form, columns, history, notice, tools, format, toolResults, followUp };
const handlers = hostMessageHandlers(views);
window.addEventListener('message', (event: MessageEvent<HostMessage>) => dispatchHostMessage(handlers, event.data));

// bring back the last view after a reload, then say we are ready for the host's messages
columns.restore(store.restoredColumns, store.badges);
showConversation(views);
post({ type: 'ready', hasResults: store.restoredColumns.length > 0 });
