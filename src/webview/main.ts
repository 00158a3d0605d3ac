/**
 * The playground UI. Talks to its host only through the typed protocol; keeps its inputs and last results in
 * the webview state so a reload brings them back; renders streaming columns at most once per animation frame.
 */
import { PARAMETERS, RUN_OPTIONS, checkParam, type NumberParameter } from '../core/request/params';
import { variablesIn } from '../core/request/template';
import type { Badges, DeploymentView, HistorySummary, HostMessage, PlaygroundState, WebviewMessage } from '../protocol';
import { renderChart } from './chart';
import { Column, type ColumnSnapshot } from './column';
import { formatMs, h } from './dom';

interface SavedState extends PlaygroundState {
  columns: ColumnSnapshot[];
  badges: Badges | null;
}

const vscode = acquireVsCodeApi<SavedState>();
const post = (message: WebviewMessage): void => vscode.postMessage(message);

const saved = vscode.getState();
const state: SavedState = {
  system: saved?.system ?? '',
  prompt: saved?.prompt ?? '',
  variables: saved?.variables ?? {},
  params: saved?.params ?? {},
  selected: saved?.selected ?? [],
  repeat: saved?.repeat ?? 1,
  columns: saved?.columns ?? [],
  badges: saved?.badges ?? null,
};
let deployments: DeploymentView[] = [];
let sets: Record<string, string[]> = {};
let columns = new Map<string, Column>();
let running = false;
let runStartedAt = 0;
let currentRunId = '';
const dirty = new Set<Column>();

// ── layout ──
const system = h('textarea', { id: 'system', rows: 3, placeholder: 'Optional: how the model should behave', 'aria-label': 'System prompt' });
const prompt = h('textarea', { id: 'prompt', rows: 7, placeholder: 'Write the prompt. {{name}} makes a variable.', 'aria-label': 'Prompt' });
const variablesBox = h('div', { class: 'variables', 'aria-label': 'Variables' });
const numberInput = (id: string, label: string, attributes: Record<string, string | number>) =>
  h('label', { class: 'param' }, label, h('input', { id, type: 'number', ...attributes }));
const parameterInput = (id: keyof typeof PARAMETERS) => {
  const parameter: NumberParameter = PARAMETERS[id];
  return numberInput(id, parameter.label, { min: parameter.minExclusive ? parameter.step : parameter.min, max: parameter.max, step: parameter.step, placeholder: 'default', title: parameter.description });
};
const temperature = parameterInput('temperature');
const maxTokens = parameterInput('maxTokens');
const topP = parameterInput('topP');
const deploymentList = h('div', { class: 'deployment-list', role: 'group', 'aria-label': 'Deployments to run' });
const setSelect = h('select', { 'aria-label': 'Saved deployment sets' });
const setName = h('input', { type: 'text', placeholder: 'Name this selection', 'aria-label': 'Name for a saved set', maxlength: 60 });
const historyList = h('ol', { class: 'history-list' });
const historyBox = h('details', { class: 'history', open: true }, h('summary', {}, 'History'), historyList);
const runButton = h('button', { id: 'run', type: 'button', class: 'primary', title: 'Run (Ctrl+Enter)', onclick: () => run() }, 'Run');
const stopButton = h('button', { id: 'stop', type: 'button', class: 'secondary', title: 'Stop (Escape)', disabled: true, onclick: () => post({ type: 'stop' }) }, 'Stop');
const repeatInput = h('input', { id: 'repeat', type: 'number', min: RUN_OPTIONS.repeat.min, max: RUN_OPTIONS.repeat.max, step: 1, value: 1, 'aria-label': 'Repeat count' });
const runHint = h('span', { class: 'hint', role: 'status' });
const compareButton = h('button', { type: 'button', class: 'secondary', disabled: true, title: 'Compare the two checked answers in the diff editor', onclick: () => compare() }, 'Compare 2');
const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
const chart = h('div', { class: 'chart', hidden: true });
const columnsBox = h('div', { class: 'columns', 'aria-label': 'Answers, one column per deployment' });
const empty = h('p', { class: 'empty' }, 'Pick deployments, write a prompt and press Run (Ctrl+Enter). Each answer streams in its own column.');
const progress = h('span', { class: 'progress' });

const app = document.getElementById('app')!;
app.append(
  h('header', { class: 'toolbar' },
    h('h1', {}, 'Fanout'),
    runButton, stopButton,
    h('label', { class: 'repeat' }, 'Repeat', repeatInput),
    runHint, progress,
    h('span', { class: 'spacer' }),
    compareButton,
    h('button', { type: 'button', class: 'secondary', onclick: () => post({ type: 'export', format: 'markdown' }) }, 'Export Markdown'),
    h('button', { type: 'button', class: 'secondary', onclick: () => post({ type: 'export', format: 'json' }) }, 'Export JSON')),
  notice,
  h('div', { class: 'layout' },
    h('aside', { class: 'inputs' },
      h('details', { class: 'system', open: state.system !== '' }, h('summary', {}, 'System prompt'), system),
      h('label', { class: 'block-label', for: 'prompt' }, 'Prompt'), prompt,
      variablesBox,
      h('fieldset', { class: 'params' }, h('legend', {}, 'Parameters'), temperature, maxTokens, topP),
      h('fieldset', { class: 'deployments' }, h('legend', {}, 'Deployments'),
        h('div', { class: 'select-row' },
          h('button', { type: 'button', class: 'link', onclick: () => select(deployments.filter((d) => d.runnable).map((d) => d.id)) }, 'All'),
          h('button', { type: 'button', class: 'link', onclick: () => select([]) }, 'None'),
          setSelect),
        deploymentList,
        h('div', { class: 'select-row' }, setName, h('button', { type: 'button', class: 'secondary', onclick: () => saveSet() }, 'Save set'))),
      historyBox),
    h('section', { class: 'results', 'aria-label': 'Results' }, chart, empty, columnsBox)),
);

// ── inputs ──
system.value = state.system;
prompt.value = state.prompt;
const paramInput = (label: HTMLElement) => label.querySelector('input')!;
paramInput(temperature).value = state.params.temperature?.toString() ?? '';
paramInput(maxTokens).value = state.params.maxTokens?.toString() ?? '';
paramInput(topP).value = state.params.topP?.toString() ?? '';
repeatInput.value = String(state.repeat);

/** The parameters as typed, and the first one that is wrong (named, with its range): a wrong value is never clamped or sent. */
function readParams(): { params: PlaygroundState['params']; problem: string | undefined } {
  const params: PlaygroundState['params'] = {};
  let problem: string | undefined;
  const fields = [[temperature, 'temperature'], [maxTokens, 'maxTokens'], [topP, 'topP']] as const;
  for (const [label, key] of fields) {
    const input = paramInput(label) as HTMLInputElement;
    const checked = checkParam(PARAMETERS[key], input.value, input.validity.badInput);
    input.setAttribute('aria-invalid', checked.problem ? 'true' : 'false');
    input.title = checked.problem ?? '';
    if (checked.value !== undefined) params[key] = checked.value;
    problem ??= checked.problem;
  }
  const repeat = checkParam(RUN_OPTIONS.repeat, repeatInput.value, repeatInput.validity.badInput);
  repeatInput.setAttribute('aria-invalid', repeat.problem ? 'true' : 'false');
  problem ??= repeat.problem;
  return { params, problem };
}

function persist(): void {
  state.system = system.value;
  state.prompt = prompt.value;
  state.params = readParams().params;
  state.repeat = checkParam(RUN_OPTIONS.repeat, repeatInput.value).value ?? 1;
  // a restored view needs the answers, but not megabytes of them: keep the first 200,000 characters of each
  state.columns = [...columns.values()].map((column) => column.snapshot()).map((snapshot) => snapshot.text.length > 200_000
    ? { ...snapshot, text: snapshot.text.slice(0, 200_000), result: snapshot.result ? { ...snapshot.result, text: snapshot.result.text.slice(0, 200_000) } : null }
    : snapshot);
  vscode.setState(state);
}

function renderVariables(): void {
  const names = variablesIn(system.value, prompt.value);
  if (names.length === 0) {
    variablesBox.replaceChildren();
    return;
  }
  variablesBox.replaceChildren(h('div', { class: 'block-label' }, 'Variables'), h('table', {}, ...names.map((name) => {
    const input = h('input', { type: 'text', value: state.variables[name] ?? '', 'aria-label': `Value of ${name}`, 'data-variable': name });
    input.addEventListener('input', () => {
      state.variables[name] = input.value;
      persist();
      updateRunState();
    });
    return h('tr', {}, h('th', { scope: 'row' }, `{{${name}}}`), h('td', {}, input));
  })));
}

for (const element of [system, prompt]) element.addEventListener('input', () => {
  renderVariables();
  persist();
  updateRunState();
});
for (const label of [temperature, maxTokens, topP]) {
  paramInput(label).addEventListener('change', persist);
  paramInput(label).addEventListener('input', updateRunState);
}
repeatInput.addEventListener('change', persist);
repeatInput.addEventListener('input', updateRunState);

function renderDeployments(): void {
  const known = new Set(deployments.map((d) => d.id));
  state.selected = state.selected.filter((id) => known.has(id));
  if (deployments.length === 0) {
    deploymentList.replaceChildren(h('p', { class: 'hint' }, 'No deployments yet: add them to the "fanout.deployments" setting.'));
    return;
  }
  const byProvider = new Map<string, DeploymentView[]>();
  for (const deployment of deployments) byProvider.set(deployment.providerLabel, [...(byProvider.get(deployment.providerLabel) ?? []), deployment]);
  deploymentList.replaceChildren(...[...byProvider].map(([provider, group]) => h('div', { class: 'provider-group' },
    h('div', { class: 'provider-name' }, provider),
    ...group.map((deployment) => {
      const box = h('input', { type: 'checkbox', value: deployment.id, 'data-deployment-choice': deployment.id, disabled: !deployment.runnable });
      box.checked = state.selected.includes(deployment.id);
      box.addEventListener('change', () => {
        state.selected = box.checked ? [...new Set([...state.selected, deployment.id])] : state.selected.filter((id) => id !== deployment.id);
        persist();
        updateRunState();
      });
      return h('label', { class: 'deployment-choice', title: deployment.note ?? '' }, box,
        h('span', { class: 'choice-id' }, deployment.id),
        h('span', { class: 'choice-detail' }, [deployment.model, deployment.region].filter(Boolean).join(' · ')));
    }))));
}

function select(ids: string[]): void {
  state.selected = ids;
  renderDeployments();
  persist();
  updateRunState();
}

function renderSets(): void {
  setSelect.replaceChildren(h('option', { value: '' }, 'Saved sets…'), ...Object.keys(sets).sort().map((name) => h('option', { value: name }, `${name} (${sets[name]!.length})`)));
}
setSelect.addEventListener('change', () => {
  const chosen = sets[setSelect.value];
  if (chosen) select(chosen);
  setSelect.value = '';
});

function saveSet(): void {
  const name = setName.value.trim();
  if (!name || state.selected.length === 0) {
    showNotice('error', state.selected.length ? 'Name the set first.' : 'Check some deployments first.');
    return;
  }
  post({ type: 'saveSet', name, deploymentIds: state.selected });
  setName.value = '';
}

function renderHistory(items: HistorySummary[], enabled: boolean): void {
  if (!enabled) {
    historyList.replaceChildren(h('li', { class: 'hint' }, 'History is off (setting fanout.history.enabled).'));
    return;
  }
  if (items.length === 0) {
    historyList.replaceChildren(h('li', { class: 'hint' }, 'Runs you make are kept here.'));
    return;
  }
  historyList.replaceChildren(...items.map((item) => h('li', {},
    h('button', { type: 'button', class: 'history-item', 'data-history': item.id, title: item.prompt, onclick: () => post({ type: 'openHistory', entryId: item.id }) },
      h('span', { class: 'history-prompt' }, item.prompt.replace(/\s+/g, ' ').slice(0, 80) || '(empty prompt)'),
      h('span', { class: 'history-meta' }, `${new Date(item.at).toLocaleString()} · ${item.ok} ok${item.failed ? `, ${item.failed} failed` : ''}`)))));
}

function updateRunState(): void {
  const missing = variablesIn(system.value, prompt.value).filter((name) => !(state.variables[name] ?? '').trim());
  const paramProblem = readParams().problem;
  const reason = running ? '' : state.selected.length === 0 ? 'Check at least one deployment.' : !prompt.value.trim() ? 'Write a prompt.' : missing.length ? `Fill {{${missing[0]}}}.` : paramProblem ?? '';
  runButton.disabled = running || reason !== '';
  stopButton.disabled = !running;
  runHint.textContent = reason;
}

function showNotice(level: 'info' | 'error', text: string): void {
  notice.hidden = false;
  notice.className = `notice ${level}`;
  notice.textContent = text;
  clearTimeout((showNotice as { timer?: number }).timer);
  (showNotice as { timer?: number }).timer = window.setTimeout(() => (notice.hidden = true), level === 'error' ? 8000 : 4000);
}

// ── running ──
function run(): void {
  persist();
  updateRunState();
  if (runButton.disabled) return;
  const variables = Object.fromEntries(variablesIn(system.value, prompt.value).map((name) => [name, state.variables[name] ?? '']));
  post({ type: 'run', system: system.value, prompt: prompt.value, variables, params: readParams().params, deploymentIds: state.selected, repeat: state.repeat });
}

function compare(): void {
  const picked = [...columns.values()].filter((column) => column.comparePick.checked).map((column) => column.deployment.id);
  if (picked.length === 2) post({ type: 'compare', left: picked[0]!, right: picked[1]! });
}

const callbacks = {
  action: (deploymentId: string, action: 'setApiKey' | 'signIn' | 'openSettings' | 'showLog' | 'repair' | 'retry') => {
    if (action === 'retry') post({ type: 'rerunColumn', deploymentId });
    else post({ type: 'action', action, deploymentId });
  },
  copy: (deploymentId: string) => post({ type: 'copy', deploymentId }),
  insert: (deploymentId: string) => post({ type: 'insert', deploymentId }),
  rerun: (deploymentId: string) => post({ type: 'rerunColumn', deploymentId }),
  compareToggled: () => {
    const count = [...columns.values()].filter((column) => column.comparePick.checked).length;
    compareButton.disabled = count !== 2;
  },
};

function viewOf(id: string): DeploymentView {
  return deployments.find((deployment) => deployment.id === id) ?? { id, provider: '', providerLabel: '', model: '', region: null, runnable: false, note: null };
}

function buildColumns(ids: string[]): void {
  columns = new Map(ids.map((id) => [id, new Column(viewOf(id), callbacks)]));
  columnsBox.replaceChildren(...[...columns.values()].map((column) => column.element));
  empty.hidden = columns.size > 0;
  chart.hidden = true;
}

function frame(): void {
  for (const column of dirty) column.stream.render();
  dirty.clear();
  if (running) {
    const elapsed = performance.now() - runStartedAt;
    for (const column of columns.values()) if (column.status === 'waiting' || column.status === 'streaming') column.showLive(elapsed);
    requestAnimationFrame(frame);
  }
}

function applyBadges(badges: Badges | null): void {
  for (const column of columns.values()) {
    const labels = [
      badges?.fastestFirstToken === column.deployment.id ? 'fastest first token' : '',
      badges?.fastestTotal === column.deployment.id ? 'fastest total' : '',
      badges?.cheapest === column.deployment.id ? 'cheapest' : '',
    ].filter(Boolean);
    column.setBadges(labels);
  }
}

function updateChart(): void {
  // only answered columns: a failure's time or missing price says nothing about that cloud's speed or cost
  renderChart(chart, [...columns.values()].filter((column) => column.result?.status === 'ok').map((column) => ({ id: column.deployment.id, metrics: column.result!.metrics })));
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      deployments = message.deployments;
      sets = message.sets;
      if (state.selected.length === 0) state.selected = deployments.filter((d) => d.runnable).map((d) => d.id);
      renderDeployments();
      renderSets();
      renderHistory(message.history, message.historyEnabled);
      updateRunState();
      return;
    case 'deployments':
      deployments = message.deployments;
      renderDeployments();
      updateRunState();
      return;
    case 'sets':
      sets = message.sets;
      renderSets();
      return;
    case 'history':
      renderHistory(message.history, message.historyEnabled);
      return;
    case 'runStarted': {
      currentRunId = message.runId;
      running = true;
      runStartedAt = performance.now();
      if (message.prompt) {
        // a full run (or a reopened one): new columns, and the inputs it was made with
        system.value = message.prompt.system;
        prompt.value = message.prompt.prompt;
        state.variables = { ...state.variables, ...message.prompt.variables };
        renderVariables();
        buildColumns(message.deploymentIds);
        state.badges = null;
      } else {
        for (const id of message.deploymentIds) {
          const fresh = new Column(viewOf(id), callbacks);
          columns.get(id)?.element.replaceWith(fresh.element);
          columns.set(id, fresh);
        }
      }
      progress.textContent = message.repeat > 1 ? `run ${message.iteration} of ${message.repeat}` : '';
      updateRunState();
      requestAnimationFrame(frame);
      return;
    }
    case 'deltas':
      if (message.runId !== currentRunId) return;
      for (const chunk of message.chunks) {
        const column = columns.get(chunk.deploymentId);
        if (!column) continue;
        column.stream.append(chunk.text);
        dirty.add(column);
      }
      return;
    case 'columnStatus': {
      const column = columns.get(message.deploymentId);
      if (!column || message.runId !== currentRunId) return;
      if (message.ttftMs !== null) column.ttftMs = message.ttftMs;
      column.setStatus(message.status, message.note);
      return;
    }
    case 'columnResult': {
      const column = columns.get(message.result.deploymentId);
      if (!column) return;
      dirty.delete(column);
      column.finish(message.result);
      updateChart();
      // the state (with every answer's text) is saved once the run ends, not on each column: it is copied whole each time
      if (!running) persist();
      return;
    }
    case 'runFinished':
      running = false;
      progress.textContent = '';
      state.badges = message.badges;
      applyBadges(message.badges);
      for (const line of message.summary ?? []) {
        columns.get(line.deploymentId)?.setSpread(`p50/p95 ttft ${formatMs(line.ttftP50)} / ${formatMs(line.ttftP95)} · total ${formatMs(line.totalP50)} / ${formatMs(line.totalP95)}`);
      }
      updateChart();
      updateRunState();
      persist();
      return;
    case 'notice':
      showNotice(message.level, message.text);
      return;
    case 'setPrompt':
      prompt.value = message.prompt;
      if (message.system !== undefined) system.value = message.system;
      if (message.variables) state.variables = { ...state.variables, ...message.variables };
      if (message.params) {
        paramInput(temperature).value = message.params.temperature?.toString() ?? '';
        paramInput(maxTokens).value = message.params.maxTokens?.toString() ?? '';
        paramInput(topP).value = message.params.topP?.toString() ?? '';
      }
      select(message.selected.filter((id) => deployments.some((deployment) => deployment.id === id && deployment.runnable)));
      renderVariables();
      persist();
      updateRunState();
      prompt.focus();
      return;
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
  } else if (event.key === 'Escape' && running) {
    event.preventDefault();
    post({ type: 'stop' });
  }
});

// restore the last view after a reload, then say we are ready for the host's messages
if (state.columns.length) {
  buildColumns(state.columns.map((column) => column.id));
  for (const snapshot of state.columns) {
    const column = columns.get(snapshot.id)!;
    if (snapshot.result) column.finish(snapshot.result);
    else {
      column.stream.reset(snapshot.text);
      column.stream.render();
      column.setStatus(snapshot.status === 'streaming' || snapshot.status === 'waiting' ? 'cancelled' : snapshot.status);
    }
  }
  applyBadges(state.badges);
  updateChart();
}
renderVariables();
updateRunState();
post({ type: 'ready', hasResults: state.columns.length > 0 });
