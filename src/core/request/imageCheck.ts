/**
 * Images checked before anything is sent: what each image's bytes are (read from their first bytes, never from a
 * file name), and whether a cloud takes them — its media types, its size per image and per request, its count. The
 * limits come from the provider descriptors (`images`); this file only reads them, so it stays pure and cheap: it
 * decodes a few bytes of each image's base64, never the whole image, and runs in the browser too (no Buffer).
 */
import { partsOf, type ChatRequest } from './chatRequest';

/** What a cloud takes in one request, from its documentation (each descriptor names its source). */
export interface ImageLimits {
  /** The media types it takes, e.g. ['image/png', 'image/jpeg']. */
  mediaTypes: readonly string[];
  /** The most bytes one image may have. */
  maxBytes?: number;
  /** The most image bytes one request may carry, all images together. */
  maxTotalBytes?: number;
  /** The most images one request may carry. */
  maxCount?: number;
}

export const MB = 1024 * 1024;

/** Media types Fanout can recognise from their first bytes, with the name a person knows them by. */
const KNOWN: Record<string, string> = {
  'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WebP', 'image/heic': 'HEIC', 'image/heif': 'HEIF', 'image/bmp': 'BMP', 'image/tiff': 'TIFF',
};

/** "image/jpg" is a common spelling of JPEG; everything else is compared as written (lower case). */
export const canonicalMediaType = (mediaType: string): string => {
  const lower = mediaType.trim().toLowerCase();
  return lower === 'image/jpg' ? 'image/jpeg' : lower;
};

/** "PNG" for image/png; the media type itself for one Fanout has no name for. */
export const imageTypeName = (mediaType: string): string => KNOWN[canonicalMediaType(mediaType)] ?? mediaType;

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean => signature.every((byte, index) => bytes[at + index] === byte);
const ascii = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));

/**
 * The media type an image's first bytes say it is (PNG signature, JPEG SOI, GIF87a/89a, RIFF…WEBP, an ISO-BMFF
 * `ftyp` box with a HEIC/HEIF brand, BMP, TIFF), or null when they match none of these. Sixteen bytes are enough.
 */
export function sniffImageType(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(brand)) return 'image/heic';
    if (['mif1', 'msf1', 'heif'].includes(brand)) return 'image/heif';
  }
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 14) return 'image/bmp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return null;
}

/** The number of bytes base64 text decodes to, without decoding it. */
export function base64Bytes(data: string): number {
  const length = data.replace(/\s/g, '').length;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((length * 3) / 4) - padding);
}

const sizeText = (bytes: number): string => (bytes >= MB ? `${(bytes / MB).toFixed(bytes >= 10 * MB ? 0 : 2).replace(/\.00$/, '')} MB` : `${Math.ceil(bytes / 1024)} KB`);

/** The first 18 bytes of base64 data (24 characters: enough for every signature above); none when it is not base64. */
function headOf(data: string): Uint8Array {
  try {
    return Uint8Array.from(atob(data.slice(0, 24).replace(/=+$/, '')), (char) => char.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

interface ImageSeen {
  /** "image 2 (chart.png)": its place in the request, 1-based, and its file when it came from one. */
  name: string;
  mediaType: string;
  data: string | undefined;
}

function imagesOf(request: ChatRequest): ImageSeen[] {
  const images: ImageSeen[] = [];
  for (const message of request.messages) {
    for (const part of partsOf(message)) {
      if (part.type !== 'image') continue;
      const place = `image ${images.length + 1}`;
      images.push({ name: part.file ? `${place} (${part.file})` : place, mediaType: part.mediaType, data: part.data });
    }
  }
  return images;
}

/** Why an image's bytes are not what its media type says, or null when they are (or the type has no known signature). */
function corruption(image: ImageSeen): string | null {
  const declared = canonicalMediaType(image.mediaType);
  if (!KNOWN[declared] || image.data === undefined) return null;
  const actual = sniffImageType(headOf(image.data));
  if (actual === declared || (declared === 'image/heif' && actual === 'image/heic')) return null;
  return actual
    ? `${image.name} is marked ${image.mediaType}, but its bytes are ${KNOWN[actual]} — give its media type as ${actual}`
    : `${image.name} is marked ${image.mediaType}, but its bytes are not a ${KNOWN[declared]} (a corrupt or truncated file?) — check the file`;
}

/**
 * The first reason this cloud would refuse the request's images, as one sentence naming the image, the limit and the
 * fix, or null. `label` names the cloud ("Amazon Bedrock"); `limits` undefined means the cloud's limits are not known,
 * and only the images' own bytes are checked.
 */
export function imageProblem(request: ChatRequest, limits: ImageLimits | undefined, label: string): string | null {
  const images = imagesOf(request);
  if (!images.length) return null;
  const nothingSent = 'Nothing was sent.';
  let total = 0;
  for (const image of images) {
    if (image.data === undefined || image.data === '') return `${image.name} has no data: a front end must read its file before sending. ${nothingSent}`;
    const mediaType = canonicalMediaType(image.mediaType);
    if (limits && !limits.mediaTypes.includes(mediaType)) {
      return `${image.name} is ${imageTypeName(image.mediaType)}, which ${label} does not take (it takes ${limits.mediaTypes.map(imageTypeName).join(', ')}) — convert it to one of those. ${nothingSent}`;
    }
    const corrupt = corruption(image);
    if (corrupt) return `${corrupt}. ${nothingSent}`;
    const bytes = base64Bytes(image.data);
    total += bytes;
    if (limits?.maxBytes !== undefined && bytes > limits.maxBytes) {
      return `${image.name} is ${sizeText(bytes)}; ${label} takes at most ${sizeText(limits.maxBytes)} an image — shrink or compress it. ${nothingSent}`;
    }
  }
  if (limits?.maxCount !== undefined && images.length > limits.maxCount) {
    return `The request holds ${images.length} images; ${label} takes at most ${limits.maxCount} in one request — send fewer. ${nothingSent}`;
  }
  if (limits?.maxTotalBytes !== undefined && total > limits.maxTotalBytes) {
    return `The request's ${images.length} images come to ${sizeText(total)}; ${label} takes at most ${sizeText(limits.maxTotalBytes)} of images in one request — send fewer or smaller images. ${nothingSent}`;
  }
  return null;
}
