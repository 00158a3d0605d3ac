/** The "Deployments" fieldset: the deployments to run, grouped by cloud; All, None, and saved sets. */
import type { DeploymentView, WebviewMessage } from '../protocol';
import { h } from './dom';
import type { PlaygroundStore } from './playgroundStore';

export class DeploymentPicker {
  readonly element: HTMLFieldSetElement;
  private readonly list = h('div', { class: 'deployment-list', role: 'group', 'aria-label': 'Deployments to run' });
  private readonly setSelect = h('select', { 'aria-label': 'Saved deployment sets' });
  private readonly setName = h('input', { type: 'text', placeholder: 'Name this selection', 'aria-label': 'Name for a saved set', maxlength: 60 });
  private readonly checkboxes = new Map<string, HTMLInputElement>();

  constructor(private readonly store: PlaygroundStore, private readonly post: (message: WebviewMessage) => void, private readonly showError: (text: string) => void) {
    this.setSelect.addEventListener('change', () => {
      const chosen = store.sets[this.setSelect.value];
      if (chosen) store.select(chosen);
      this.setSelect.value = '';
    });
    this.element = h('fieldset', { class: 'deployments' }, h('legend', {}, 'Deployments'),
      h('div', { class: 'select-row' },
        h('button', { type: 'button', class: 'link', onclick: () => store.select(store.deployments.filter((d) => d.runnable).map((d) => d.id)) }, 'All'),
        h('button', { type: 'button', class: 'link', onclick: () => store.select([]) }, 'None'),
        this.setSelect),
      this.list,
      h('div', { class: 'select-row' }, this.setName, h('button', { type: 'button', class: 'secondary', onclick: () => this.saveSet() }, 'Save set')));
    store.subscribe('deployments', () => this.renderList());
    store.subscribe('selection', () => this.showSelection());
    store.subscribe('sets', () => this.renderSets());
  }

  private renderList(): void {
    this.checkboxes.clear();
    const deployments = this.store.deployments;
    if (deployments.length === 0) {
      this.list.replaceChildren(h('p', { class: 'hint' }, 'No deployments yet: add them to the "fanout.deployments" setting.'));
      return;
    }
    const byProvider = new Map<string, DeploymentView[]>();
    for (const deployment of deployments) byProvider.set(deployment.providerLabel, [...(byProvider.get(deployment.providerLabel) ?? []), deployment]);
    this.list.replaceChildren(...[...byProvider].map(([provider, group]) => h('div', { class: 'provider-group' },
      h('div', { class: 'provider-name' }, provider),
      ...group.map((deployment) => this.choice(deployment)))));
    this.showSelection();
  }

  private choice(deployment: DeploymentView): HTMLLabelElement {
    const box = h('input', { type: 'checkbox', value: deployment.id, 'data-deployment-choice': deployment.id, disabled: !deployment.runnable });
    box.addEventListener('change', () => this.store.toggle(deployment.id, box.checked));
    this.checkboxes.set(deployment.id, box);
    return h('label', { class: 'deployment-choice', title: deployment.note ?? '' }, box,
      h('span', { class: 'choice-id' }, deployment.id),
      h('span', { class: 'choice-detail' }, [deployment.model, deployment.region].filter(Boolean).join(' · ')));
  }

  private showSelection(): void {
    const selected = new Set(this.store.inputs.selected);
    for (const [id, box] of this.checkboxes) box.checked = selected.has(id);
  }

  private renderSets(): void {
    const sets = this.store.sets;
    this.setSelect.replaceChildren(h('option', { value: '' }, 'Saved sets…'), ...Object.keys(sets).sort().map((name) => h('option', { value: name }, `${name} (${sets[name]!.length})`)));
  }

  private saveSet(): void {
    const name = this.setName.value.trim();
    const selected = this.store.inputs.selected;
    if (!name || selected.length === 0) {
      this.showError(selected.length ? 'Name the set first.' : 'Check some deployments first.');
      return;
    }
    this.post({ type: 'saveSet', name, deploymentIds: [...selected] });
    this.setName.value = '';
  }
}
