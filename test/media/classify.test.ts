import { describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../src/emulator/index.js';
import { classifyDocument } from '../../src/media/classify-document.js';
import { detectImageType } from '../../src/media/detect-image-type.js';
import { MAX_PHOTO_SIDE, pickPhotoSize } from '../../src/media/pick-photo-size.js';

describe('classifyDocument', () => {
  it.each([
    ['notes.md', 'text/markdown', 'text'],
    ['data.csv', undefined, 'text'],
    ['main.rs', 'application/octet-stream', 'text'],
    ['page.html', 'text/html', 'text'],
    ['report.pdf', 'application/pdf', 'pdf'],
    ['photo.JPG', 'image/jpeg', 'image'],
    ['noext', 'image/webp', 'image'],
    ['backup.zip', 'application/zip', 'refused'],
    ['setup.exe', 'application/x-msdownload', 'refused'],
    ['movie.mkv', 'video/x-matroska', 'refused'],
  ])('%s (%s) is %s', (name, mime, kind) => {
    expect(classifyDocument(name, mime).kind).toBe(kind);
  });
});

describe('detectImageType', () => {
  it('knows the four formats from their first bytes, and nothing else', () => {
    expect(detectImageType(encodeSolidPng(2, 2, [1, 2, 3]))).toBe('image/png');
    expect(detectImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(detectImageType(Buffer.from('GIF89a......'))).toBe('image/gif');
    expect(detectImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(detectImageType(Buffer.from('not an image'))).toBeUndefined();
    expect(detectImageType(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('pickPhotoSize', () => {
  const size = (width: number, fileSize: number) => ({
    file_id: `w${width}`,
    file_unique_id: `u${width}`,
    width,
    height: Math.round(width * 0.75),
    file_size: fileSize,
  });
  it('takes the largest size within the side and byte bounds, else the smallest', () => {
    const sizes = [
      size(90, 1_000),
      size(800, 90_000),
      size(1280, 200_000),
      size(MAX_PHOTO_SIDE + 1, 900_000),
    ];
    expect(pickPhotoSize(sizes, 10_000_000)?.file_id).toBe('w1280');
    expect(pickPhotoSize(sizes, 100_000)?.file_id).toBe('w800');
    expect(pickPhotoSize(sizes, 10)?.file_id).toBe('w90');
    expect(pickPhotoSize([], 10)).toBeUndefined();
  });
});
