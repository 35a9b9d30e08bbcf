/** The semantic ID explorer: a self-contained static HTML page over a saved ID index (see html.ts, data.ts). */
export { explorerData, resolveOptions, EXPLORER_DATA_VERSION, type ExplorerData } from './data';
export { explorerHtml, writeExplorer, jsonForScript, type ExplorerHtmlOptions } from './html';
export { EXPLORER_DEFAULTS, type ExplorerOptions } from './options';
export { showExplorer } from './display';
