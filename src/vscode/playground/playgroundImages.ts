/**
 * The playground's images on the host: attached through the editor's file picker, or pasted and dropped in the
 * webview (their bytes come here once); checked, stored by hash (imageStore.ts), and shown through the webview's own
 * resource URI. A run's images are read back from storage into the request, in memory only.
 */
import * as vscode from 'vscode';
import type { ContentPart } from '../../core/request/chatRequest';
import type { HostMessage, ImageView } from '../../protocol';
import { MAX_IMAGES } from '../../protocolLimits';
import { ImageStore, type StoredImage } from './imageStore';

export { missingImagesText } from './imageStore';

export interface ImageRef {
  hash: string;
  mediaType: string;
  name?: string | undefined;
}

/** What the file picker offers (every type some cloud takes; each column's own limits are checked before sending). */
const PICKER_FILTERS = { Images: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'heic', 'heif', 'bmp', 'tif', 'tiff'] };

export class PlaygroundImages {
  constructor(
    private readonly store: ImageStore,
    private readonly folder: vscode.Uri,
    private readonly webview: vscode.Webview,
    private readonly post: (message: HostMessage) => void,
    private readonly log: { warn(text: string): void },
  ) {}

  /** The editor's file picker; each file picked is checked and stored. */
  async pick(): Promise<void> {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Attach', title: 'Fanout: attach images to the prompt', filters: PICKER_FILTERS });
    if (!uris?.length) return;
    const files = await Promise.all(uris.slice(0, MAX_IMAGES).map(async (uri) => ({ name: uri.path.split('/').pop() ?? 'image', bytes: await vscode.workspace.fs.readFile(uri) })));
    await this.add(files);
  }

  /** Checks and stores these files, then shows the ones stored (`attach`: in the prompt); a refused one is named with why. */
  async add(files: ReadonlyArray<{ name: string; bytes: Uint8Array }>, attach = true): Promise<ImageView[]> {
    const added: ImageView[] = [];
    const refused: string[] = [];
    for (const file of files) {
      const stored = await this.store.put(file.name, file.bytes);
      if (!stored.ok) refused.push(stored.problem);
      else added.push(await this.view({ ...stored.image, name: file.name }));
    }
    if (added.length && attach) this.post({ type: 'imagesAdded', images: added });
    if (refused.length) {
      // the reason names the file and the limit, never its bytes
      this.log.warn(`playground: refused ${refused.length} image(s): ${refused.join('; ')}`);
      this.post({ type: 'notice', level: 'error', text: `Not attached: ${refused.join('; ')}.` });
    }
    return added;
  }

  /** An image as the webview shows it: its stored file's webview URI, or null when the file is gone. */
  async view(image: ImageRef & Partial<StoredImage>): Promise<ImageView> {
    const fileUri = vscode.Uri.joinPath(this.folder, ImageStore.fileName(image.hash, image.mediaType));
    const found = await vscode.workspace.fs.stat(fileUri).then((stat) => stat.size, () => null);
    return { hash: image.hash, mediaType: image.mediaType, name: image.name ?? `${image.hash.slice(0, 12)}…`, bytes: found ?? image.bytes ?? 0, uri: found === null ? null : this.webview.asWebviewUri(fileUri).toString() };
  }

  /**
   * The request's image parts, read back from storage, one per ref in order (null where the file is gone); the images
   * whose file is gone are named in `missing`.
   */
  async partsOf(refs: readonly ImageRef[]): Promise<{ parts: ContentPart[]; each: Array<ContentPart | null>; missing: string[] }> {
    const each = await Promise.all(refs.map(async (ref): Promise<ContentPart | null> => {
      const bytes = await this.store.read(ref.hash, ref.mediaType);
      return bytes ? { type: 'image', mediaType: ref.mediaType, data: Buffer.from(bytes).toString('base64'), ...(ref.name ? { file: ref.name } : {}) } : null;
    }));
    const missing = refs.filter((_, index) => !each[index]).map((ref) => ref.name ?? `${ref.hash.slice(0, 12)}…`);
    return { parts: each.filter((part) => part !== null), each, missing };
  }
}
