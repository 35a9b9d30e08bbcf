/**
 * `lmindexer plan`: a dry run of `lmindexer fit` — parameter counts, a memory estimate for one training step and the
 * optimizer steps per stage for the corpus, then the command that runs it. Nothing is trained or allocated.
 */
import { parseArgs } from 'node:util';
import type { LmiConfig } from '../config';
import { loadCorpus } from '../data/loaders';
import { LmiError } from '../errors';
import { formatBytes, memoryEstimate, paramBreakdown, stageSteps } from '../indexer/estimate';
import { lmIndexerOptions } from '../indexer/options';
import { Rng } from '../rng';
import { type Command, corpusConfig, intOption } from './options';

/** Published parameter count of T5-base (HF `t5-base`, tied embeddings, vocab 32128). */
export const T5_BASE_PARAMS = 222_903_552;

const M = (n: number): string => `${(n / 1e6).toFixed(2)}M`;

/** The plan text for a config and corpus size; `gpus` splits the batch for the per-device activation estimate. */
export function planText(cfg: LmiConfig, numDocs: number, corpusLabel: string, opts: { gpus?: number; command?: string } = {}): string {
  const o = lmIndexerOptions(cfg);
  const p = paramBreakdown(cfg, o);
  const gpus = opts.gpus ?? 1;
  const full = memoryEstimate(cfg, o.batchSize, o);
  const per = memoryEstimate(cfg, Math.ceil(o.batchSize / gpus), o);
  const stages = stageSteps(numDocs, o);
  const total = stages.reduce((s, x) => s + x.steps, 0);
  const m = cfg.model;
  const isT5Base = m.dModel === 768 && m.numLayers === 12 && m.numDecoderLayers === 12 && m.dFf === 3072 && m.numHeads === 12 && m.tieWordEmbeddings && p.textVocab === 32128;
  const lines = [
    `plan: LMIndexer, preset ${cfg.preset}, corpus ${corpusLabel} (${numDocs} documents)`,
    `model: d_model ${m.dModel}, ${m.numLayers}+${m.numDecoderLayers} layers, ${m.numHeads} heads × d_kv ${m.dKv}, d_ff ${m.dFf}, ${m.feedForwardProj}, text vocab ${p.textVocab}${cfg.model.vocabSize > 0 ? '' : ' (tokenizer target size; the trained tokenizer may be smaller)'}`,
    `IDs: T = ${o.idLength} learned positions × codebook ${o.codebookSize} (+ collision position), hints ${o.hintRatios.map((h) => `${h * 100}%`).join('/')}, max length ${o.maxLength}, batch ${o.batchSize}`,
    '',
    'parameters',
    `  T5 backbone (text vocab only)       ${M(p.backbone).padStart(10)}${isT5Base ? `   (published T5-base: ${M(T5_BASE_PARAMS)}; ${p.backbone === T5_BASE_PARAMS ? 'equal' : `differs by ${p.backbone - T5_BASE_PARAMS}`})` : ''}`,
    `  semantic encoder (+ ${o.idLength}·${o.codebookSize} ID tokens)  ${M(p.encoder).padStart(10)}`,
    `  reconstructor (${o.reconstructorLayers} layer${o.reconstructorLayers > 1 ? 's' : ''})             ${M(p.reconstructor).padStart(10)}`,
    `  codebooks (${o.idLength} × ${o.codebookSize} × ${m.dModel})           ${M(p.codebooks).padStart(10)}`,
    `  total                               ${M(p.total).padStart(10)}   (${p.total.toLocaleString('en')})`,
    '',
    'memory per training step (float32, AdamW, no activation checkpointing; rough upper bound)',
    `  weights ${formatBytes(full.weights)} + gradients ${formatBytes(full.gradients)} + AdamW moments ${formatBytes(full.adamw)}`,
    `  activations, batch ${full.batch}: ${formatBytes(full.activations)}  → total ${formatBytes(full.total)}`,
    ...(gpus > 1 ? [`  per device with ${gpus} data-parallel devices (batch ${per.batch} each): ${formatBytes(per.total)}`] : []),
    '',
    `optimizer steps (batch ${o.batchSize}; stage epochs from the config (indexer.*Epochs): recon warm-up ${o.reconWarmupEpochs}, per position encoder warm-up ${o.encoderWarmupEpochs} + joint ${o.jointEpochs})`,
    ...stages.map((s) => `  ${s.name.padEnd(26)} ${String(s.epochs).padStart(3)} epochs ${String(s.steps).padStart(9)} steps`),
    `  total ${String(stages.reduce((s, x) => s + x.epochs, 0)).padStart(29)} epochs ${String(total).padStart(9)} steps (paper, Table 8: 30 epochs on Amazon, 10 NQ, 5 MS MARCO)`,
    '',
    'run it:',
    `  ${opts.command ?? `LMI_BACKEND=tensorflow-gpu bin/lmindexer fit --corpus ${corpusLabel} --preset ${cfg.preset} --out runs/${corpusLabel}-${cfg.preset} --run runs/${corpusLabel}-${cfg.preset}.run`}`,
  ];
  return lines.join('\n') + '\n';
}

export const planCommand: Command = {
  name: 'plan',
  usage: `[--preset small|paper] [--corpus NAME] [--config FILE] [--max-docs N] [--num-docs N] [--gpus N]
dry run of "fit": parameter counts, memory estimate, steps per stage, and the command to run it
(--num-docs plans for a corpus of that size without loading one)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        preset: { type: 'string' },
        corpus: { type: 'string', default: 'synthetic' },
        config: { type: 'string' },
        'max-docs': { type: 'string' },
        'num-docs': { type: 'string' },
        gpus: { type: 'string' },
      },
    });
    const cfg = corpusConfig(values);
    const numDocsOpt = intOption('num-docs', values['num-docs']);
    const gpus = intOption('gpus', values.gpus) ?? 1;
    if (gpus < 1) throw new LmiError('--gpus: must be ≥ 1');
    const numDocs = numDocsOpt ?? loadCorpus(cfg.data, new Rng(cfg.seed).fork()).docs.length;
    if (numDocs < 2) throw new LmiError(`plan: ${numDocs} documents; a run needs at least 2 (check --num-docs / --max-docs)`);
    const src = values.config ? `--config ${values.config}` : `--preset ${cfg.preset}`;
    const name = cfg.data.corpus;
    const maxDocs = values['max-docs'] ? ` --max-docs ${values['max-docs']}` : '';
    const command = `LMI_BACKEND=tensorflow-gpu bin/lmindexer fit --corpus ${name} ${src}${maxDocs} --out runs/${name}-${cfg.preset} --run runs/${name}-${cfg.preset}.run`;
    process.stdout.write(planText(cfg, numDocs, numDocsOpt !== undefined ? `${name} (planned size)` : name, { gpus, command }));
  },
};
