import fc from 'fast-check';

// Property tests replay one fixed sample unless FC_SEED says otherwise, so every run of the suite
// takes the same time; set FC_SEED to explore. A failing property shrinks its counterexample, and
// each shrinking step re-runs a costly predicate: the time limit ends that search (the failure is
// still reported, with the smallest counterexample so far) instead of holding CI for many minutes.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_121), interruptAfterTimeLimit: 60_000 });
