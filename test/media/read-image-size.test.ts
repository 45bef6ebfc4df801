import { describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../src/emulator/index.js';
import { readImageSize } from '../../src/media/read-image-size.js';
import { encodeAnimatedGif } from '../support/images.js';

/** A JPEG's head: SOI, an APP0 segment, then a baseline (or progressive) start of frame. */
function jpegHead(width: number, height: number, frameMarker = 0xc0): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.alloc(19);
  sof.set([0xff, frameMarker, 0x00, 0x11, 8]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
}

function webp(chunk: 'VP8 ' | 'VP8L' | 'VP8X', width: number, height: number): Buffer {
  const bytes = Buffer.alloc(40);
  bytes.write('RIFF', 0, 'latin1');
  bytes.write('WEBP', 8, 'latin1');
  bytes.write(chunk, 12, 'latin1');
  if (chunk === 'VP8 ') {
    bytes.set([0x9d, 0x01, 0x2a], 23);
    bytes.writeUInt16LE(width, 26);
    bytes.writeUInt16LE(height, 28);
  } else if (chunk === 'VP8L') {
    bytes[20] = 0x2f;
    bytes.writeUInt32LE((width - 1) | ((height - 1) << 14), 21);
  } else {
    bytes.writeUIntLE(width - 1, 24, 3);
    bytes.writeUIntLE(height - 1, 27, 3);
  }
  return bytes;
}

describe('readImageSize', () => {
  it.each([
    ['PNG', encodeSolidPng(321, 123, [0, 0, 0]), 321, 123],
    ['GIF', encodeAnimatedGif(40, 30, [[1, 1, 1]]), 40, 30],
    ['JPEG (baseline)', jpegHead(4032, 3024), 4032, 3024],
    ['JPEG (progressive)', jpegHead(800, 600, 0xc2), 800, 600],
    ['WebP (lossy)', webp('VP8 ', 1024, 768), 1024, 768],
    ['WebP (lossless)', webp('VP8L', 5000, 200), 5000, 200],
    ['WebP (extended)', webp('VP8X', 16383, 2), 16383, 2],
  ])('reads %s', (_name, bytes, width, height) => {
    expect(readImageSize(bytes)).toEqual({ width, height });
  });

  it('gives up on what it cannot read, without throwing', () => {
    expect(readImageSize(Buffer.from('not an image'))).toBeUndefined();
    expect(readImageSize(jpegHead(10, 10).subarray(0, 12))).toBeUndefined();
    expect(readImageSize(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(readImageSize(Buffer.alloc(0))).toBeUndefined();
  });
});
