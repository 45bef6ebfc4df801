import fc from 'fast-check';

// Property tests replay one fixed sample unless FC_SEED says otherwise, so every run of the suite takes
// the same time: some generated Markdown renders far more slowly than the rest (see the renderer's
// open performance note), and a random seed made CI's duration a lottery.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_121) });
