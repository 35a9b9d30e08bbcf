/**
 * The one error type of the toolkit. Messages say where (file:line, field), what is wrong and how to fix it,
 * e.g. `data/scientific.item.json:17: field "title" missing`.
 */
export class LmiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LmiError';
  }
}

/** `where: message` with an optional line number: `file:17: field "title" missing`. */
export function errorAt(file: string, line: number | undefined, message: string): LmiError {
  return new LmiError(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
}
