/**
 * `lmindexer <command>` — the command line. Every command (src/cli/*.ts) calls the same library functions the
 * notebooks use. Errors print one clear line and exit with code 2 (bad input) or 1 (unexpected failure).
 */
import { COMMANDS } from './cli/commands';
import { LmiError } from './errors';

function usage(): string {
  const pad = (s: string) => s.padEnd(11);
  const lines = COMMANDS.map((c) => {
    const [first, ...rest] = c.usage.split('\n');
    return [`  ${pad(c.name)}${first}`.trimEnd(), ...rest.map((l) => `             ${l}`)].join('\n');
  });
  return `usage: lmindexer <command> [options]

commands:
${lines.join('\n')}

corpora: synthetic (embedded, no files), scientific, beauty, sports, toys, scifact, agnews (from LMI_DATA_DIR)
`;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) throw new LmiError(`unknown command "${name}"\n${usage()}`);
  try {
    await cmd.run(rest);
  } catch (e) {
    // parseArgs errors (unknown option, missing value) are user errors too.
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new LmiError(`${name}: ${(e as Error).message}\n${usage()}`);
    throw e;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof LmiError) {
    process.stderr.write(`lmindexer: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`lmindexer: unexpected error\n${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
