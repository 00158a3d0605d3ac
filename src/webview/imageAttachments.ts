/**
 * The prompt's images: attached through the host's file picker (a button), pasted into the prompt, or dropped on it.
 * A pasted or dropped file is checked here first (an image by its first bytes, at most 50 MB), then its bytes go to
 * the host once; the host stores it by hash and sends back a resource URI. The webview keeps only that reference:
 * thumbnails load from the URI, and no image is ever kept as base64 in the webview's state.
 */
import { sniffImageType } from '../core/request/imageCheck';
import type { ImageView, WebviewMessage } from '../protocol';
import { MAX_IMAGES, MAX_IMAGE_BYTES } from '../protocolLimits';
import { h } from './dom';
import type { PlaygroundStore } from './playgroundStore';

const MB = 1024 * 1024;
const sizeText = (bytes: number): string => (bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.max(1, Math.ceil(bytes / 1024))} KB`);

/** Why a file cannot be attached, or null: checked before its bytes leave the webview. */
export async function fileProblem(file: File): Promise<string | null> {
  if (file.size > MAX_IMAGE_BYTES) return `${file.name} is ${sizeText(file.size)}; the playground takes images up to ${MAX_IMAGE_BYTES / MB} MB — shrink or compress it`;
  const head = new Uint8Array(await file.slice(0, 32).arrayBuffer());
  if (!sniffImageType(head)) return `${file.name || 'the pasted file'} is not an image (PNG, JPEG, GIF, WebP, HEIC, HEIF, BMP or TIFF)`;
  return null;
}

/** The file's bytes as base64, for the one message that carries them to the host. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

export class ImageAttachments {
  private readonly list = h('ul', { class: 'thumbnails', 'aria-label': 'Attached images' });
  readonly element: HTMLElement;

  constructor(private readonly store: PlaygroundStore, private readonly post: (message: WebviewMessage) => void, private readonly notify: (text: string) => void) {
    this.element = h('div', { class: 'attachments' },
      h('div', { class: 'attach-row' },
        h('button', { id: 'attach-image', type: 'button', class: 'secondary', title: 'Attach image files to the prompt', onclick: () => post({ type: 'pickImages' }) }, 'Attach image…'),
        h('span', { class: 'hint' }, 'or paste one into the prompt, or drop it there (hold Shift)')),
      this.list);
    store.subscribe('draft', () => this.render());
    this.render();
  }

  /** Takes images pasted or dropped on `target` (the prompt). */
  listenOn(target: HTMLElement): void {
    target.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      void this.send(files);
    });
    target.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    });
    target.addEventListener('drop', (event) => {
      const files = [...(event.dataTransfer?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      void this.send(files);
    });
  }

  /** Checks each file, then sends the good ones to the host; the others are named with why. */
  async send(files: readonly File[]): Promise<void> {
    const room = MAX_IMAGES - this.store.inputs.images.length;
    const problems: string[] = files.length > room ? [`a prompt takes at most ${MAX_IMAGES} images`] : [];
    for (const file of files.slice(0, Math.max(0, room))) {
      const problem = await fileProblem(file);
      if (problem) problems.push(problem);
      else this.post({ type: 'addImage', name: (file.name || 'pasted image').slice(0, 200), data: await base64Of(file) });
    }
    if (problems.length) this.notify(`Not attached: ${problems.join('; ')}.`);
  }

  private render(): void {
    const images = this.store.inputs.images;
    this.list.hidden = images.length === 0;
    this.list.replaceChildren(...images.map((image) => this.thumbnail(image)));
  }

  private thumbnail(image: ImageView): HTMLElement {
    const described = `${image.name} (${sizeText(image.bytes)})`;
    return h('li', { class: 'thumbnail', 'data-image': image.hash, title: image.uri ? described : `${image.name}: the file is gone from Fanout's storage — remove it and attach it again` },
      image.uri ? h('img', { src: image.uri, alt: image.name }) : h('span', { class: 'missing', role: 'img', 'aria-label': `${image.name}: missing` }, 'missing'),
      h('span', { class: 'thumbnail-name' }, image.name),
      h('button', { type: 'button', class: 'remove-image', 'aria-label': `Remove image ${image.name}`, title: 'Remove', onclick: () => this.store.removeImage(image.hash) }, '×'));
  }
}
