import { expect, it } from 'vitest';
import { createRoundTripEstimate } from '../../../src/streaming/delivery/round-trip-estimate.js';

it('starts from the allowance it is given and follows a fast link down, slowly', () => {
  const estimate = createRoundTripEstimate(100);
  expect(estimate.ms).toBe(100);
  estimate.add(5);
  expect(estimate.ms).toBeGreaterThan(90);
  for (let i = 0; i < 300; i++) estimate.add(5);
  expect(estimate.ms).toBeLessThan(6);
});

it('follows a slow spell up at once, and a single quick answer does not undo it', () => {
  const estimate = createRoundTripEstimate(5);
  for (let i = 0; i < 5; i++) estimate.add(200);
  expect(estimate.ms).toBeGreaterThan(150);
  estimate.add(1);
  expect(estimate.ms).toBeGreaterThan(145);
});

it('never believes more than 2 s or less than 0 ms', () => {
  const estimate = createRoundTripEstimate(100);
  for (let i = 0; i < 100; i++) estimate.add(60_000);
  expect(estimate.ms).toBeLessThanOrEqual(2000);
  for (let i = 0; i < 2000; i++) estimate.add(-50);
  expect(estimate.ms).toBeGreaterThanOrEqual(0);
});
