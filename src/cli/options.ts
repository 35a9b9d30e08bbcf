/** Option helpers shared by the commands: config from --config/--preset, integer options. */
import { type DeepPartial, type LmiConfig, loadConfigFile, makeConfig, PRESETS, type PresetName } from '../config';
import { LmiError } from '../errors';

/** Config from --config FILE (a partial config) or --preset, plus command-line overrides. */
export function configFrom(values: { config?: string; preset?: string }, overrides: DeepPartial<LmiConfig>): LmiConfig {
  const base = values.config ? loadConfigFile(values.config) : makeConfig({ preset: (values.preset ?? 'small') as PresetName }, '--preset');
  return makeConfig({ ...base, ...overrides, data: { ...base.data, ...(overrides.data ?? {}) } } as DeepPartial<LmiConfig>, values.config ?? 'command line');
}

/** A non-negative integer option, or undefined when absent. */
export function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new LmiError(`--${name}: must be a non-negative integer, got "${v}"`);
  return n;
}

/** parseArgs options shared by the corpus commands (index, fit, pretrain): spread them into the command's own. */
export const CORPUS_OPTIONS = {
  corpus: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
  preset: { type: 'string' },
  'max-docs': { type: 'string' },
} as const;

/** `--preset NAME` checked against the presets. */
export function presetOption(v: string | undefined): PresetName {
  if (!PRESETS.includes(v as PresetName)) throw new LmiError(`--preset: must be one of ${PRESETS.join(', ')}, got "${v}"`);
  return v as PresetName;
}

/** `--workers N|auto` → the Trainer's data-parallel replicas (undefined when absent). */
export function workersOption(v: string | undefined): 'auto' | number | undefined {
  if (v === undefined) return undefined;
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new LmiError(`--workers: must be "auto" or an integer ≥ 1, got "${v}"`);
  return n;
}

/** The config of a corpus command: --corpus (required by the caller) and --max-docs override the preset/file. */
export function corpusConfig(values: { config?: string; preset?: string; corpus?: string; 'max-docs'?: string }): LmiConfig {
  const maxDocs = intOption('max-docs', values['max-docs']);
  return configFrom(values, { data: { corpus: values.corpus as LmiConfig['data']['corpus'], ...(maxDocs !== undefined ? { maxDocs } : {}) } });
}

/** One `lmindexer <name>` command: its usage lines and what it does. */
export interface Command {
  name: string;
  /** Usage text: first line the options, following lines the description (indented by the caller). */
  usage: string;
  run(args: string[]): Promise<void>;
}
