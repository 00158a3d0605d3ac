/**
 * The playground's one state store: the inputs being written (saved in the webview state, so a reload brings
 * them back), what the host said (deployments, sets) and the run going on. Views change it through its methods
 * and subscribe to the topics they show; the store never touches the DOM.
 */
import { parseReasoning } from '../core/request/parameterSpecs';
import { variablesIn } from '../core/request/template';
import type { Badges, DeploymentView, FormatDraft, ImageView, PlaygroundState, RunRequest } from '../protocol';
import { MAX_IMAGES } from '../protocolLimits';
import type { ColumnSnapshot } from './column';
import { checkSchema, checkTools, isToolName } from './toolsCheck';

/** The inputs as the form holds them: tools, tool choice and format always present. */
export type Draft = Required<PlaygroundState>;

export const PLAIN_FORMAT: FormatDraft = { mode: 'text', name: 'answer', schema: '', strict: true };

export interface SavedState extends PlaygroundState {
  columns: ColumnSnapshot[];
  badges: Badges | null;
}

/** What a view can listen to: `deployments` (the list), `selection` (which are checked), `sets`, `draft` (the inputs, images too), `run`. */
export type StoreTopic = 'deployments' | 'selection' | 'sets' | 'draft' | 'run';

export type ProblemKind = 'parameters' | 'reasoning' | 'repeat';

export interface ActiveRun {
  startedAt: number;
  iteration: number;
  repeat: number;
}

/** A restored view needs the answers, but not megabytes of them: the first 200,000 characters of each. */
const SAVED_TEXT_LIMIT = 200_000;

function bounded(snapshot: ColumnSnapshot): ColumnSnapshot {
  const long = (text: string | null | undefined): boolean => (text?.length ?? 0) > SAVED_TEXT_LIMIT;
  if (!long(snapshot.text) && !long(snapshot.reasoning) && !long(snapshot.result?.reasoning)) return snapshot;
  return {
    ...snapshot,
    text: snapshot.text.slice(0, SAVED_TEXT_LIMIT),
    ...(snapshot.reasoning !== undefined ? { reasoning: snapshot.reasoning.slice(0, SAVED_TEXT_LIMIT) } : {}),
    result: snapshot.result ? { ...snapshot.result, text: snapshot.result.text.slice(0, SAVED_TEXT_LIMIT), reasoning: snapshot.result.reasoning?.slice(0, SAVED_TEXT_LIMIT) ?? null } : null,
  };
}

export class PlaygroundStore {
  private readonly draft: Draft;
  /** The answers the saved state held when the view was loaded (brought back after a reload). */
  readonly restoredColumns: readonly ColumnSnapshot[];
  private currentBadges: Badges | null;
  private deploymentList: DeploymentView[] = [];
  private setList: Record<string, string[]> = {};
  /** The first wrong input of each kind, named with its range; a wrong value is never clamped or sent. */
  private readonly problems: Partial<Record<ProblemKind, string>> = {};
  private activeRun: ActiveRun | null = null;
  private latestRunId = '';
  private readonly listeners = new Map<StoreTopic, Set<() => void>>();

  /** `columns` gives the columns as they are now, when the state is saved. */
  constructor(private readonly webview: { getState(): SavedState | undefined; setState(state: SavedState): void }, private readonly columns: () => ColumnSnapshot[]) {
    const saved = webview.getState();
    this.draft = {
      system: saved?.system ?? '',
      prompt: saved?.prompt ?? '',
      variables: saved?.variables ?? {},
      params: saved?.params ?? {},
      selected: saved?.selected ?? [],
      repeat: saved?.repeat ?? 1,
      tools: saved?.tools ?? '',
      toolChoice: saved?.toolChoice ?? 'auto',
      format: saved?.format ?? PLAIN_FORMAT,
      reasoning: saved?.reasoning ?? '',
      // a reference (hash, media type, resource URI), never the image's bytes
      images: saved?.images ?? [],
    };
    this.restoredColumns = saved?.columns ?? [];
    this.currentBadges = saved?.badges ?? null;
  }

  subscribe(topic: StoreTopic, listener: () => void): void {
    const listeners = this.listeners.get(topic) ?? new Set();
    listeners.add(listener);
    this.listeners.set(topic, listeners);
  }

  private notify(...topics: StoreTopic[]): void {
    for (const topic of topics) for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  // ── reading ──
  get inputs(): Readonly<Draft> {
    return this.draft;
  }
  get deployments(): readonly DeploymentView[] {
    return this.deploymentList;
  }
  get sets(): Readonly<Record<string, string[]>> {
    return this.setList;
  }
  get badges(): Badges | null {
    return this.currentBadges;
  }
  get run(): Readonly<ActiveRun> | null {
    return this.activeRun;
  }
  get running(): boolean {
    return this.activeRun !== null;
  }
  /** The run whose streamed parts are shown; parts of any other run are dropped. */
  get runId(): string {
    return this.latestRunId;
  }

  viewOf(id: string): DeploymentView {
    return this.deploymentList.find((deployment) => deployment.id === id) ?? { id, provider: '', providerLabel: '', model: '', region: null, runnable: false, note: null };
  }

  /** Why Run is not possible now ('' when it is, or while a run is going). */
  runBlocker(): string {
    if (this.running) return '';
    const { system, prompt, variables, selected } = this.draft;
    const missing = variablesIn(system, prompt).filter((name) => !(variables[name] ?? '').trim());
    if (selected.length === 0) return 'Check at least one deployment.';
    if (!prompt.trim()) return 'Write a prompt.';
    if (missing.length) return `Fill {{${missing[0]}}}.`;
    return this.problems.parameters ?? this.problems.reasoning ?? this.problems.repeat ?? this.shapeProblem() ?? '';
  }

  /** What is wrong with the tools, the tool choice or the schema as typed, if anything. */
  shapeProblem(): string | undefined {
    const tools = checkTools(this.draft.tools);
    if (tools.problem !== undefined) return `Tools ${tools.problem}`;
    const choice = this.draft.toolChoice;
    if (choice.startsWith('tool:') && !tools.value.some((tool) => `tool:${tool.name}` === choice)) return `Tool choice names ${choice.slice(5)}, which is not among the tools.`;
    const format = this.draft.format;
    if (format.mode !== 'schema') return undefined;
    if (!isToolName(format.name)) return 'Schema name: letters, digits, _ and -, at most 64.';
    const schema = checkSchema(format.schema);
    return schema.problem !== undefined ? `Schema ${schema.problem}` : undefined;
  }

  /** The run message for the inputs as they are, or null when Run is blocked. */
  runRequest(): RunRequest | null {
    if (this.running || this.runBlocker() !== '') return null;
    const { system, prompt, params, selected, repeat, toolChoice, format } = this.draft;
    const variables = Object.fromEntries(variablesIn(system, prompt).map((name) => [name, this.draft.variables[name] ?? '']));
    const tools = checkTools(this.draft.tools).value ?? [];
    const schema = format.mode === 'schema' ? checkSchema(format.schema).value : undefined;
    const reasoning = parseReasoning(this.draft.reasoning).value;
    const images = this.draft.images.map((image) => ({ hash: image.hash, mediaType: image.mediaType, name: image.name }));
    return {
      type: 'run', system, prompt, variables, params, deploymentIds: selected, repeat,
      ...(tools.length ? { tools, toolChoice: toolChoice.startsWith('tool:') ? { name: toolChoice.slice(5) } : (toolChoice as 'auto' | 'none' | 'required') } : {}),
      ...(format.mode === 'json' ? { responseFormat: 'json' as const } : {}),
      ...(schema ? { responseFormat: { name: format.name, schema, strict: format.strict } } : {}),
      ...(reasoning ? { reasoning } : {}),
      ...(images.length ? { images } : {}),
    };
  }

  // ── the inputs ──
  /** Takes what was typed (or what the host filled in); variables are merged into the ones already known. */
  updateDraft(change: Partial<Pick<Draft, 'system' | 'prompt' | 'variables' | 'params' | 'tools' | 'toolChoice' | 'format' | 'reasoning' | 'images'>>): void {
    if (change.reasoning !== undefined) this.draft.reasoning = change.reasoning;
    if (change.images !== undefined) this.draft.images = change.images.slice(0, MAX_IMAGES);
    if (change.tools !== undefined) this.draft.tools = change.tools;
    if (change.toolChoice !== undefined) this.draft.toolChoice = change.toolChoice;
    if (change.format !== undefined) this.draft.format = change.format;
    if (change.system !== undefined) this.draft.system = change.system;
    if (change.prompt !== undefined) this.draft.prompt = change.prompt;
    if (change.variables) this.draft.variables = { ...this.draft.variables, ...change.variables };
    if (change.params) this.draft.params = change.params;
    this.save();
    this.notify('draft');
  }

  /** Images the host stored, after those attached already (the same image once). */
  addImages(images: readonly ImageView[]): void {
    const known = new Set(this.draft.images.map((image) => image.hash));
    this.updateDraft({ images: [...this.draft.images, ...images.filter((image) => !known.has(image.hash))] });
  }

  removeImage(hash: string): void {
    this.updateDraft({ images: this.draft.images.filter((image) => image.hash !== hash) });
  }

  setProblem(kind: ProblemKind, problem: string | undefined): void {
    if (this.problems[kind] === problem) return;
    this.problems[kind] = problem;
    this.notify('draft');
  }

  setRepeat(repeat: number): void {
    this.draft.repeat = repeat;
    this.save();
    this.notify('draft');
  }

  // ── deployments and sets ──
  /** The host's list. The first time (`init`), an empty selection becomes every runnable deployment. */
  setDeployments(deployments: DeploymentView[], first = false): void {
    this.deploymentList = deployments;
    if (first && this.draft.selected.length === 0) this.draft.selected = deployments.filter((deployment) => deployment.runnable).map((deployment) => deployment.id);
    const known = new Set(deployments.map((deployment) => deployment.id));
    this.draft.selected = this.draft.selected.filter((id) => known.has(id));
    this.notify('deployments', 'selection');
  }

  /** Checks these deployments (those still in the list) and only these. */
  select(ids: readonly string[]): void {
    const known = new Set(this.deploymentList.map((deployment) => deployment.id));
    this.draft.selected = ids.filter((id) => known.has(id));
    this.save();
    this.notify('selection');
  }

  toggle(id: string, checked: boolean): void {
    this.select(checked ? [...new Set([...this.draft.selected, id])] : this.draft.selected.filter((selected) => selected !== id));
  }

  setSets(sets: Record<string, string[]>): void {
    this.setList = sets;
    this.notify('sets');
  }

  // ── runs ──
  startRun(runId: string, iteration: number, repeat: number): void {
    this.latestRunId = runId;
    this.activeRun = { startedAt: performance.now(), iteration, repeat };
    this.notify('run');
  }

  /** `null` clears the badges of the last run (a new run started); a finished run brings its own. */
  setBadges(badges: Badges | null): void {
    this.currentBadges = badges;
  }

  finishRun(badges: Badges): void {
    this.activeRun = null;
    this.currentBadges = badges;
    this.notify('run');
  }

  /** Saves the inputs and the columns as they are now into the webview state. */
  save(): void {
    this.webview.setState({ ...this.draft, columns: this.columns().map(bounded), badges: this.currentBadges });
  }
}
