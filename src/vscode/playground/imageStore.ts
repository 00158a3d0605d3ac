/**
 * The playground's images, stored once by content: a file named by the sha256 of its bytes (and an extension from its
 * media type, so the webview serves it with the right type) in the extension's storage. History lines and the
 * webview's state keep the hash and media type only; the bytes are read back from here when a run is sent or reopened.
 * Plain node (no `vscode`), so unit tests drive it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MB, sniffImageType } from '../../core/request/imageCheck';
import { MAX_IMAGE_BYTES } from '../../protocolLimits';

export interface StoredImage {
  hash: string;
  mediaType: string;
  bytes: number;
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic', 'image/heif': 'heif', 'image/bmp': 'bmp', 'image/tiff': 'tiff',
};

export type ImageCheck = { ok: true; mediaType: string } | { ok: false; problem: string };

/** Refuses a file no cloud could take: not an image (by its first bytes, never its name), or over 50 MB. */
export function checkImageBytes(name: string, bytes: Uint8Array): ImageCheck {
  if (bytes.length > MAX_IMAGE_BYTES) return { ok: false, problem: `${name} is ${Math.round(bytes.length / MB)} MB; the playground takes images up to ${MAX_IMAGE_BYTES / MB} MB — shrink or compress it` };
  const mediaType = sniffImageType(bytes.subarray(0, 32));
  if (!mediaType) return { ok: false, problem: `${name} is not an image Fanout recognises (its first bytes are no PNG, JPEG, GIF, WebP, HEIC, HEIF, BMP or TIFF) — convert it to PNG or JPEG` };
  return { ok: true, mediaType };
}

export class ImageStore {
  constructor(readonly folder: string) {}

  /** The file name of an image in the folder: `<sha256>.<ext>`. */
  static fileName(hash: string, mediaType: string): string {
    return `${hash}.${EXTENSIONS[mediaType] ?? 'bin'}`;
  }

  pathOf(hash: string, mediaType: string): string {
    return join(this.folder, ImageStore.fileName(hash, mediaType));
  }

  /** Stores the bytes (once: the same bytes again find their file) after checking them; the problem otherwise. */
  async put(name: string, bytes: Uint8Array): Promise<{ ok: true; image: StoredImage; created: boolean } | { ok: false; problem: string }> {
    const checked = checkImageBytes(name, bytes);
    if (!checked.ok) return checked;
    const hash = createHash('sha256').update(bytes).digest('hex');
    const image = { hash, mediaType: checked.mediaType, bytes: bytes.length };
    const path = this.pathOf(hash, checked.mediaType);
    if (await stat(path).then((found) => found.size === bytes.length, () => false)) return { ok: true, image, created: false };
    await mkdir(this.folder, { recursive: true });
    // written beside and renamed over: a reader never sees half an image
    const partial = `${path}.${randomUUID()}.part`;
    try {
      await writeFile(partial, bytes);
      await rename(partial, path);
    } finally {
      await rm(partial, { force: true });
    }
    return { ok: true, image, created: true };
  }

  /** The stored bytes, or null when the file is gone (or no longer matches its hash). */
  async read(hash: string, mediaType: string): Promise<Uint8Array | null> {
    const bytes = await readFile(this.pathOf(hash, mediaType)).catch(() => null);
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== hash) return null;
    return bytes;
  }
}

/** The sentence for images gone from storage (the history keeps their hash only). */
export const missingImagesText = (missing: readonly string[]): string =>
  `${missing.length === 1 ? `The image ${missing[0]} is` : `The images ${missing.join(', ')} are`} no longer in Fanout's storage (it may have been cleared): the run is shown without ${missing.length === 1 ? 'it' : 'them'} — attach ${missing.length === 1 ? 'it' : 'them'} again to send ${missing.length === 1 ? 'it' : 'them'}.`;
