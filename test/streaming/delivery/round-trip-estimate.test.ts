import { expect, it } from 'vitest';
import { createRoundTripEstimate } from '../../../src/streaming/delivery/round-trip-estimate.js';

it('starts from the allowance it is given and settles on the mean of recent calls', () => {
  const estimate = createRoundTripEstimate(100);
  expect(estimate.ms).toBe(100);
  for (let i = 0; i < 300; i++) estimate.add(i % 2 === 0 ? 2 : 18);
  expect(estimate.ms).toBeGreaterThan(8);
  expect(estimate.ms).toBeLessThan(12);
});

it('one slow answer moves it a little; a slow spell moves it all the way', () => {
  const estimate = createRoundTripEstimate(5);
  estimate.add(305);
  expect(estimate.ms).toBeGreaterThan(10);
  expect(estimate.ms).toBeLessThan(20);
  for (let i = 0; i < 200; i++) estimate.add(300);
  expect(estimate.ms).toBeGreaterThan(290);
});

it('never believes more than 2 s or less than 0 ms', () => {
  const estimate = createRoundTripEstimate(100);
  for (let i = 0; i < 500; i++) estimate.add(60_000);
  expect(estimate.ms).toBeLessThanOrEqual(2000);
  for (let i = 0; i < 2000; i++) estimate.add(-50);
  expect(estimate.ms).toBeGreaterThanOrEqual(0);
});
